// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.api.cli.VendCommand;
import dev.vend.aws.DynamoDbClients;
import dev.vend.testsupport.DynamoDbTables;
import io.micronaut.context.ApplicationContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Deploys Vend on emulated AWS the way the Lambda function runs: the SDK's own {@code aws.*}
 * settings for region, caller credentials and the STS endpoint, DynamoDB tables created and
 * policies written by {@code vend policy sync} as an operator does, and an application context
 * in the {@code function} and {@code lambda} environments configured by {@code vend.*}
 * settings. Stateless; the {@code aws.*} settings are JVM-wide system properties.
 */
public final class LambdaDeployment {

    private static final List<String> AWS_PROPERTIES = List.of("aws.region", "aws.accessKeyId",
            "aws.secretAccessKey", "aws.sessionToken", "aws.endpointUrlSts");

    private LambdaDeployment() {
    }

    /**
     * Sets the region and caller credentials the SDK's default chains read, and the STS endpoint
     * ({@code AWS_ENDPOINT_URL_STS} in Lambda: Vend has no {@code vend.*} setting for it).
     */
    public static void setAwsProperties(String region, String accessKeyId, String secretAccessKey,
            @Nullable String sessionToken, URI sts) {
        System.setProperty("aws.region", region);
        System.setProperty("aws.accessKeyId", accessKeyId);
        System.setProperty("aws.secretAccessKey", secretAccessKey);
        if (sessionToken != null) {
            System.setProperty("aws.sessionToken", sessionToken);
        }
        System.setProperty("aws.endpointUrlSts", sts.toString());
    }

    /** Removes what {@link #setAwsProperties} set. */
    public static void clearAwsProperties() {
        AWS_PROPERTIES.forEach(System::clearProperty);
    }

    /** A DynamoDB client for the emulator, with Vend's time limits. */
    public static DynamoDbClient dynamoDb(URI endpoint, String region, String accessKeyId,
            String secretAccessKey, @Nullable String sessionToken) {
        return DynamoDbClients.builder(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(sessionToken == null
                        ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
                        : AwsSessionCredentials.create(accessKeyId, secretAccessKey,
                                sessionToken)))
                .build();
    }

    /**
     * Creates an on-demand table keyed by {@code pk}, and {@code sk} when asked (the policy
     * table), and waits until it exists: {@link DynamoDbTables#create}.
     */
    public static void createTable(DynamoDbClient client, String name, boolean sortKey) {
        DynamoDbTables.create(client, name, sortKey);
    }

    /**
     * Writes a folder of policies into the policy table the way an operator does:
     * {@code vend policy sync}; fails the test if it does not succeed.
     */
    public static void syncPolicies(Path folder, String table, URI dynamoDb, String region,
            Path issuers, String issuerUrl) {
        var out = new StringWriter();
        int status = new CommandLine(new VendCommand()).setOut(new PrintWriter(out))
                .setErr(new PrintWriter(out)).execute("policy", "sync", folder.toString(),
                        "--table", table, "--endpoint", dynamoDb.toString(),
                        "--region", region, "--issuers", issuers.toString(),
                        "--issuer-url", issuerUrl);
        assertThat(status).as(out.toString()).isZero();
    }

    /**
     * Starts an application context as the Lambda function does, from {@code vend.*} settings,
     * with test beans (a clock, a fetcher) in place of the secondary ones Vend would build.
     */
    public static ApplicationContext start(Map<String, Object> settings, Object... beans) {
        return ApplicationContext.builder().environments("function", "lambda")
                .properties(settings).singletons(beans).start();
    }
}
