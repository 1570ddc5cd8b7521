// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.aws.DynamoDbClients;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Two Lambda execution environments behind one API share the DynamoDB single-use table: a GitHub
 * Actions token used on one is refused as replayed on the other. Runs through the Lambda handler
 * against dynalite, started by the build from npm.
 */
class SharedSingleUseStoreTest {

    private static final Dynalite DYNALITE = Dynalite.shared();
    private static final String TABLE = Dynalite.uniqueTableName("single-use");
    private static final ECKey GITHUB_KEY = TestKeys.ecP256(3);

    @TempDir
    static Path dir;

    @BeforeAll
    static void createTable() {
        try (DynamoDbClient client = client()) {
            client.createTable(table -> table.tableName(TABLE)
                    .keySchema(KeySchemaElement.builder().attributeName("pk")
                            .keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                            .attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        }
    }

    @Test
    void tokenWhenReplayedOnAnotherExecutionEnvironmentThenRefused() throws Exception {
        String proof = TestTokens.signedWith(GITHUB_KEY)
                .issuer("https://github-actions.example.test").subject("repo:acme/app:ref:main")
                .audience("https://vend.test").claim("repository_owner_id", "1001")
                .claim("repository_id", "123").claim("repository", "acme/app").sign();

        try (var first = context(); var second = context()) {
            int firstStatus = exchange(new VendLambdaHandler(first), proof);
            int secondStatus = exchange(new VendLambdaHandler(second), proof);

            assertThat(List.of(firstStatus, secondStatus)).containsExactly(200, 400);
        }
    }

    private static ApplicationContext context() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"),
                new JWKSet(GITHUB_KEY.toPublicJWK()).toString());
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: github-actions
                    issuer: https://github-actions.example.test
                    preset: github-actions
                    jwksFile: %s
                    algorithms: [ES256]
                """.formatted(jwks));
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("app.yaml"), """
                apiVersion: vend.dev/v1
                id: acme-app
                issuer: github-actions
                conditions: {repository_owner_id: "1001", repository_id: "123"}
                issue: {audiences: [https://api.example.com]}
                """);
        Map<String, Object> properties = new HashMap<>();
        properties.put("vend.issuer-url", "https://vend.test");
        properties.put("vend.issuers-file", issuers.toString());
        properties.put("vend.policies-folder", policies.toString());
        properties.put("vend.state-dir", dir.resolve("state").toString());
        properties.put("vend.single-use-table", TABLE);
        properties.put("vend.dynamodb-endpoint", DYNALITE.endpoint().toString());
        System.setProperty("aws.region", Dynalite.REGION);
        System.setProperty("aws.accessKeyId", Dynalite.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", Dynalite.SECRET_ACCESS_KEY);
        return ApplicationContext.builder().environments("function", "lambda")
                .properties(properties).start();
    }

    private static int exchange(VendLambdaHandler handler, String proof) {
        String form = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + enc(proof)
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt");
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                .withPath("/token").withProtocol("HTTP/1.1").withSourceIp("192.0.2.1").build();
        var event = APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default")
                .withRawPath("/token").withRawQueryString("")
                .withHeaders(new HashMap<>(Map.of("content-type",
                        "application/x-www-form-urlencoded")))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(http).withRequestId("it").withStage("$default").build())
                .withBody(form).withIsBase64Encoded(false).build();
        return handler.handleRequest(event, new MockLambdaContext()).getStatusCode();
    }

    private static DynamoDbClient client() {
        return DynamoDbClients.builder(DYNALITE.endpoint()).region(Region.of(Dynalite.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        Dynalite.ACCESS_KEY_ID, Dynalite.SECRET_ACCESS_KEY))).build();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
