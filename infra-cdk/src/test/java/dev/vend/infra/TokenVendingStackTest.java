// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import static dev.vend.infra.CdkTestSupport.JSON;
import static dev.vend.infra.CdkTestSupport.getAtt;
import static dev.vend.infra.CdkTestSupport.logicalId;
import static dev.vend.infra.CdkTestSupport.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vend.aws.DynamoDbClients;
import dev.vend.infra.constructs.VendingFunction;
import dev.vend.verify.HttpsFetcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The default stack, synthesized once for the whole class (a synth takes seconds) with a small
 * stand-in jar and cdk.json's feature flags.
 */
class TokenVendingStackTest {

    private static final String KEY_ARN_PLACEHOLDER = "KEY_ARN";

    @TempDir
    static Path tempDir;

    private static TokenVendingStack stack;
    private static Template template;
    private static String keyId;
    private static String policyTableId;
    private static String singleUseTableId;
    private static String functionId;
    private static String aliasId;
    private static String apiId;
    private static String roleId;

    @BeforeAll
    static void synthesize() throws IOException {
        Path jar = CdkTestSupport.lambdaJar(tempDir.resolve("vend-api.jar"));
        Path policies = Files.createDirectories(tempDir.resolve("policies"));
        // Two owners of one multi-tenant issuer: one item per partition.
        Files.writeString(policies.resolve("deploy.yaml"), """
                apiVersion: vend.dev/v1
                id: deploy
                issuer: github-actions
                conditions:
                  repository_owner_id:
                    anyOf: ["1001", "2002"]
                  ref: refs/heads/main
                issue:
                  audiences: [https://api.example.com]
                  scopes: [deploy]
                """);
        Files.writeString(policies.resolve("policy.schema.json"), "{\"type\":\"object\"}");
        stack = new TokenVendingStack(CdkTestSupport.app(), TokenVendingApp.STACK_ID,
                TokenVendingStackProps.builder(jar).policiesFolder(policies)
                        .issuersFile(CdkTestSupport.defaultIssuersFile()).build());
        template = Template.fromStack(stack);

        keyId = logicalId(stack.signingKey().key());
        policyTableId = logicalId(stack.policyTable().table());
        singleUseTableId = logicalId(stack.singleUseTable().table());
        functionId = logicalId(stack.vendingFunction().function());
        aliasId = logicalId(stack.vendingFunction().alias());
        apiId = logicalId(stack.httpApi().api());
        roleId = logicalId(stack.vendingFunction().function().getRole());
    }

    @Test
    void signingKeyIsAnAsymmetricP256KeyForSigningAndVerifying() {
        template.resourceCountIs("AWS::KMS::Key", 1);
        template.hasResourceProperties("AWS::KMS::Key", Map.of(
                "KeySpec", "ECC_NIST_P256",
                "KeyUsage", "SIGN_VERIFY"));
    }

    @Test
    void signingKeyAndPolicyTableAreRetainedWhenTheStackIsDeleted() {
        assertThat(resource(keyId))
                .containsEntry("DeletionPolicy", "Retain")
                .containsEntry("UpdateReplacePolicy", "Retain");
        assertThat(resource(policyTableId))
                .containsEntry("DeletionPolicy", "Retain")
                .containsEntry("UpdateReplacePolicy", "Retain");
    }

    @Test
    void policyTableHasStringPkAndSkOnDemandWithPointInTimeRecovery() {
        assertThat(properties(policyTableId))
                .containsEntry("KeySchema", List.of(
                        Map.of("AttributeName", "pk", "KeyType", "HASH"),
                        Map.of("AttributeName", "sk", "KeyType", "RANGE")))
                .containsEntry("AttributeDefinitions", List.of(
                        Map.of("AttributeName", "pk", "AttributeType", "S"),
                        Map.of("AttributeName", "sk", "AttributeType", "S")))
                .containsEntry("BillingMode", "PAY_PER_REQUEST");
        assertThat(replicaOf(policyTableId)).containsEntry("PointInTimeRecoverySpecification",
                Map.of("PointInTimeRecoveryEnabled", true));
    }

    @Test
    void singleUseTableExpiresItemsByExpiresAtAndIsDestroyedWithTheStack() {
        assertThat(properties(singleUseTableId))
                .containsEntry("TimeToLiveSpecification",
                        Map.of("AttributeName", "expires_at", "Enabled", true))
                .containsEntry("KeySchema",
                        List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")))
                .containsEntry("BillingMode", "PAY_PER_REQUEST");
        assertThat(resource(singleUseTableId)).containsEntry("DeletionPolicy", "Delete");
    }

    @Test
    void functionRunsJava21WithSnapStartOnPublishedVersions() {
        assertThat(properties(functionId))
                .containsEntry("Runtime", "java21")
                .containsEntry("Handler", "dev.vend.api.lambda.VendLambdaHandler")
                .containsEntry("MemorySize", 1024)
                .containsEntry("Timeout", 25)
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
    }

    @Test
    void functionTimeoutWhenDependenciesAreSlowThenAboveVendsOwnDeadline() {
        // Regression: the 10 s timeout was below what the clients' timeouts add up to, so a slow
        // issuer and a slow DynamoDB could make Lambda stop a request before Vend answered it.
        Duration worstCase = HttpsFetcher.DEFAULT_TIMEOUT.multipliedBy(2 * 2)
                .plus(DynamoDbClients.API_CALL_TIMEOUT.multipliedBy(3));

        assertThat(Duration.ofSeconds(VendingFunction.TIMEOUT_SECONDS))
                .isGreaterThan(worstCase.plusSeconds(2))
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void liveAliasPointsAtThePublishedCurrentVersion() {
        String versionId =
                template.findResources("AWS::Lambda::Version").keySet().iterator().next();

        template.resourceCountIs("AWS::Lambda::Version", 1);
        assertThat(properties(aliasId))
                .containsEntry("Name", "live")
                .containsEntry("FunctionName", ref(functionId))
                .containsEntry("FunctionVersion", getAtt(versionId, "Version"));
    }

    @Test
    void functionEnvironmentNamesIssuerTablesAndSigningKeyByArn() {
        Map<String, Object> variables = environment();

        assertThat(variables).containsOnlyKeys(VendingFunction.ENV_ISSUER_URL,
                VendingFunction.ENV_POLICY_TABLE, VendingFunction.ENV_SINGLE_USE_TABLE,
                VendingFunction.ENV_SIGNING_KEYS);
        assertThat(variables)
                .containsEntry("VEND_ISSUER_URL", getAtt(apiId, "ApiEndpoint"))
                .containsEntry("VEND_POLICY_TABLE", ref(policyTableId))
                .containsEntry("VEND_SINGLE_USE_TABLE", ref(singleUseTableId));
    }

    @Test
    void signingKeysVariableIsAJsonArrayWithTheKeyArnMarkedActive() throws IOException {
        String json = render(environment().get("VEND_SIGNING_KEYS"),
                Map.of(getAtt(keyId, "Arn"), KEY_ARN_PLACEHOLDER));

        List<Map<String, Object>> keys =
                JSON.readValue(json, new TypeReference<List<Map<String, Object>>>() { });
        assertThat(keys).containsExactly(Map.of("arn", KEY_ARN_PLACEHOLDER, "state", "active"));
        assertThat(json).isEqualTo("[{\"arn\":\"KEY_ARN\",\"state\":\"active\"}]");
    }

    @Test
    void functionLogsToItsOwnLogGroupKeptOneMonth() {
        Map<String, Map<String, Object>> logGroups = template.findResources("AWS::Logs::LogGroup");

        assertThat(logGroups).isNotEmpty().allSatisfy((id, logGroup) ->
                assertThat(propertiesOf(logGroup)).containsEntry("RetentionInDays", 30));
        Object functionLogGroup = ((Map<?, ?>) properties(functionId).get("LoggingConfig"))
                .get("LogGroup");
        assertThat(functionLogGroup).isInstanceOf(Map.class);
        assertThat(logGroups).containsKey((String) ((Map<?, ?>) functionLogGroup).get("Ref"));
    }

    @Test
    void apiIsAnHttpApiWithPayloadV2IntegrationOfTheAliasNotTheFunction() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP"));
        Map<String, Map<String, Object>> integrations =
                template.findResources("AWS::ApiGatewayV2::Integration");

        assertThat(integrations).hasSize(1).allSatisfy((id, integration) ->
                assertThat(propertiesOf(integration))
                        .containsEntry("IntegrationType", "AWS_PROXY")
                        .containsEntry("PayloadFormatVersion", "2.0")
                        .containsEntry("IntegrationUri", ref(aliasId)));
        assertThat(JSON.valueToTree(integrations).toString())
                .doesNotContain("\"" + functionId + "\"");
    }

    @Test
    void apiGatewayMayInvokeOnlyTheAlias() {
        Map<String, Map<String, Object>> permissions =
                template.findResources("AWS::Lambda::Permission");

        assertThat(permissions).isNotEmpty().allSatisfy((id, permission) ->
                assertThat(propertiesOf(permission))
                        .containsEntry("Action", "lambda:InvokeFunction")
                        .containsEntry("Principal", "apigateway.amazonaws.com")
                        .containsEntry("FunctionName", ref(aliasId)));
    }

    @Test
    void apiHasTheFourVendRoutesAndNoOthersAllOnTheAliasIntegration() {
        Map<String, Map<String, Object>> routes =
                template.findResources("AWS::ApiGatewayV2::Route");
        String integrationId = template.findResources("AWS::ApiGatewayV2::Integration").keySet()
                .iterator().next();
        Set<Object> routeKeys = routes.values().stream()
                .map(route -> propertiesOf(route).get("RouteKey"))
                .collect(Collectors.toSet());

        assertThat(routes).allSatisfy((id, route) -> assertThat(propertiesOf(route))
                .containsEntry("ApiId", ref(apiId))
                .containsEntry("Target", Map.of("Fn::Join",
                        List.of("", List.of("integrations/", ref(integrationId))))));
        assertThat(routeKeys).containsExactlyInAnyOrder(
                "POST /token",
                "POST /challenge",
                "GET /.well-known/jwks.json",
                "GET /.well-known/openid-configuration");
    }

    @Test
    void defaultStageIsThrottledWithTheDefaultLimitsAndWritesAccessLogs() {
        template.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "$default",
                "AutoDeploy", true,
                "DefaultRouteSettings", Map.of(
                        "ThrottlingBurstLimit", 200,
                        "ThrottlingRateLimit", 100),
                "AccessLogSettings", Match.objectLike(Map.of(
                        "Format", Match.stringLikeRegexp(".*\\$context\\.routeKey.*")))));
    }

    @Test
    void roleMaySignAndGetPublicKeyOnTheSigningKeyAndNothingElseInKms() {
        List<Map<String, Object>> kmsStatements = statements().stream()
                .filter(statement -> actions(statement).stream()
                        .anyMatch(action -> action.startsWith("kms:") || action.equals("*")))
                .toList();

        assertThat(kmsStatements).hasSize(1);
        Map<String, Object> statement = kmsStatements.get(0);
        assertThat(statement).containsEntry("Effect", "Allow").doesNotContainKey("Condition");
        assertThat(actions(statement)).containsExactlyInAnyOrder("kms:Sign", "kms:GetPublicKey");
        assertThat(resourcesOf(statement)).containsExactly(getAtt(keyId, "Arn"));
    }

    @Test
    void roleReadsThePolicyTableAndOnlyPutsItemsInTheSingleUseTable() {
        assertThat(actionsOn(getAtt(policyTableId, "Arn")))
                .containsExactly("dynamodb:Query");
        assertThat(actionsOn(getAtt(singleUseTableId, "Arn")))
                .containsExactly("dynamodb:PutItem");
    }

    @Test
    void roleHasNoWildcardsNoManagedPoliciesAndTrustsOnlyLambda() {
        assertThat(statements()).allSatisfy(statement -> {
            assertThat(statement).containsEntry("Effect", "Allow")
                    .doesNotContainKeys("NotAction", "NotResource");
            assertThat(actions(statement)).noneMatch(action -> action.contains("*"));
            assertThat(resourcesOf(statement)).doesNotContain("*");
        });
        Map<String, Object> role = properties(roleId);
        assertThat(role).doesNotContainKeys("ManagedPolicyArns", "Policies");
        // Compared as JSON trees: member order does not matter.
        assertThat((Object) JSON.valueToTree(role.get("AssumeRolePolicyDocument")))
                .isEqualTo(JSON.valueToTree(Map.of("Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "lambda.amazonaws.com"))),
                        "Version", "2012-10-17")));
    }

    @Test
    void noResourceHasAHardCodedPhysicalName() {
        Set<String> nameProperties =
                Set.of("TableName", "FunctionName", "RoleName", "LogGroupName", "AliasName");
        List<String> named = new ArrayList<>();
        // A literal string is a hard-coded name; a Ref or GetAtt only points at another resource.
        resources().forEach((id, resource) -> propertiesOf(resource).forEach((property, value) -> {
            if (nameProperties.contains(property) && value instanceof String) {
                named.add(id + "." + property + "=" + value);
            }
        }));

        assertThat(named).isEmpty();
        template.resourceCountIs("AWS::KMS::Alias", 0);
    }

    @Test
    void outputsIssuerUrlAndJwksUrlOfTheApiEndpoint() {
        template.hasOutput(TokenVendingStack.ISSUER_URL_OUTPUT,
                Map.of("Value", getAtt(apiId, "ApiEndpoint")));
        template.hasOutput(TokenVendingStack.JWKS_URL_OUTPUT, Map.of("Value", Map.of("Fn::Join",
                List.of("", List.of(getAtt(apiId, "ApiEndpoint"), "/.well-known/jwks.json")))));
        template.hasOutput(TokenVendingStack.SIGNING_KEY_ARN_OUTPUT,
                Map.of("Value", getAtt(keyId, "Arn")));
        template.hasOutput(TokenVendingStack.POLICY_TABLE_NAME_OUTPUT,
                Map.of("Value", ref(policyTableId)));
        assertThat(template.findOutputs(TokenVendingStack.CUSTOM_DOMAIN_TARGET_OUTPUT)).isEmpty();
    }

    @Test
    void synthesisLeavesNoWarningOrError() {
        Annotations annotations = Annotations.fromStack(stack);

        annotations.hasNoWarning("*", Match.anyValue());
        annotations.hasNoError("*", Match.anyValue());
    }

    @Test
    void roleMayAssumeTagSessionAndSetSourceIdentityOnlyOnRolesTaggedForVend() {
        List<Map<String, Object>> stsStatements = statements().stream()
                .filter(statement -> actions(statement).stream()
                        .anyMatch(action -> action.startsWith("sts:")))
                .toList();

        assertThat(stsStatements).singleElement().satisfies(statement -> {
            assertThat(actions(statement)).containsExactlyInAnyOrder(
                    "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity");
            assertThat(statement).containsEntry("Condition", Map.of("StringEquals",
                    Map.of("aws:ResourceTag/vend:allowed", "true")));
            assertThat(resourcesOf(statement)).singleElement().satisfies(resource ->
                    assertThat(render(resource, Map.of(Map.of("Ref", "AWS::Partition"), "aws")))
                            .isEqualTo("arn:aws:iam::*:role/*"));
        });
    }

    @Test
    void challengeRouteIsThrottledTighterThanTheStageAndTheStageWaitsForTheRoute() {
        String stageId = logicalId(stack.httpApi().stage());
        String challengeRouteId = template.findResources("AWS::ApiGatewayV2::Route",
                Map.of("Properties", Map.of("RouteKey", "POST /challenge"))).keySet()
                .iterator().next();

        assertThat(properties(stageId)).containsEntry("RouteSettings", Map.of(
                "POST /challenge", Map.of(
                        "ThrottlingBurstLimit", 20,
                        "ThrottlingRateLimit", 10)));
        assertThat(listOf(resource(stageId).get("DependsOn"))).contains(challengeRouteId);
    }

    @Test
    void alarmsWatchTheStacksOwnFunctionApiAndVendMetrics() {
        Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm");
        List<String> metrics = alarms.values().stream()
                .map(alarm -> propertiesOf(alarm).get("Namespace") + "/"
                        + propertiesOf(alarm).get("MetricName"))
                .toList();

        // Each alarm's statistic, threshold and evaluation: VendingAlarmsTest.
        assertThat(alarms).hasSize(stack.alarms().alarms().size());
        assertThat(metrics).containsExactlyInAnyOrder(
                "AWS/Lambda/Errors", "AWS/Lambda/Throttles", "AWS/ApiGateway/5xx",
                "Vend/ApiThrottled", "Vend/Requests", "Vend/PolicyCacheStale",
                "Vend/JwksCacheStale", "Vend/Latency", "Vend/KmsLatency",
                "Vend/SingleUseStoreLatency", "Vend/PolicyStoreLatency", "Vend/StsLatency",
                "Vend/StsProofLatency");
        assertThat(JSON.valueToTree(alarms).toString())
                .contains("{\"Name\":\"FunctionName\",\"Value\":{\"Ref\":\"" + functionId)
                .contains("{\"Name\":\"ApiId\",\"Value\":{\"Ref\":\"" + apiId)
                .contains("{\"Name\":\"decision\",\"Value\":\"error\"}")
                .contains("{\"Name\":\"operation\",\"Value\":\"token\"}");
        template.hasResourceProperties("AWS::Logs::MetricFilter", Map.of(
                "LogGroupName", ref(logicalId(stack.httpApi().accessLogs())),
                "FilterPattern", "{ $.status = \"429\" }"));
    }

    @Test
    void policyDocumentsArePutIntoThePolicyTableInTheLayoutOfTheDynamoDbPolicyStore()
            throws IOException {
        Map<String, Map<String, Object>> loaders = template.findResources("Custom::VendPolicy");

        assertThat(loaders).hasSize(2);
        List<String> creates = loaders.values().stream()
                .map(loader -> render(propertiesOf(loader).get("Create"),
                        Map.of(ref(policyTableId), "POLICY_TABLE")))
                .sorted()
                .toList();
        var first = JSON.readTree(creates.get(0));
        assertThat(first.get("service").asText()).isEqualTo("DynamoDB");
        assertThat(first.get("action").asText()).isEqualTo("putItem");
        assertThat(first.at("/parameters/TableName").asText()).isEqualTo("POLICY_TABLE");
        assertThat(first.at("/parameters/Item/pk/S").asText()).isEqualTo("github-actions#1001");
        assertThat(first.at("/parameters/Item/sk/S").asText()).isEqualTo("deploy");
        assertThat(first.at("/parameters/Item/version/S").asText()).matches("[0-9a-f]{64}");
        assertThat(JSON.readTree(first.at("/parameters/Item/document/S").asText())
                .at("/conditions/ref").asText()).isEqualTo("refs/heads/main");
        assertThat(first.at("/parameters/Item")).hasSize(4);
        assertThat(JSON.readTree(creates.get(1)).at("/parameters/Item/pk/S").asText())
                .isEqualTo("github-actions#2002");
        assertThat(loaders.values()).allSatisfy(loader -> assertThat(
                render(propertiesOf(loader).get("Delete"), Map.of(ref(policyTableId), "T")))
                .contains("\"action\":\"deleteItem\""));
    }

    @Test
    void policyLoaderMayOnlyPutAndDeleteItemsOfThePolicyTable() {
        List<Map<String, Object>> loaderStatements = template.findResources("AWS::IAM::Policy")
                .values().stream()
                .filter(policy -> !listOf(propertiesOf(policy).get("Roles")).contains(ref(roleId)))
                .flatMap(policy -> listOf(((Map<?, ?>) propertiesOf(policy).get("PolicyDocument"))
                        .get("Statement")).stream())
                .map(statement -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) statement;
                    return typed;
                })
                .toList();

        assertThat(loaderStatements).isNotEmpty().allSatisfy(statement -> {
            assertThat(actions(statement)).containsExactlyInAnyOrder(
                    "dynamodb:PutItem", "dynamodb:DeleteItem");
            assertThat(resourcesOf(statement)).containsExactly(getAtt(policyTableId, "Arn"));
        });
    }

    // BUG-10 (adapted): the ECDSA "psychic signature" flaw is fixed from Java 17.0.3 on; the
    // Lambda runtime Vend deploys is java21, and no function of the stack runs an older Java.
    @Test
    void everyJavaFunctionOfTheStackRunsOnJava21() {
        List<Object> javaRuntimes = template.findResources("AWS::Lambda::Function").values()
                .stream()
                .map(function -> propertiesOf(function).get("Runtime"))
                .filter(runtime -> String.valueOf(runtime).startsWith("java"))
                .toList();

        assertThat(javaRuntimes).containsExactly("java21");
        assertThat(properties(functionId)).containsEntry("Runtime", "java21");
    }

    private static Map<String, Map<String, Object>> resources() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> resources =
                (Map<String, Map<String, Object>>) template.toJSON().get("Resources");
        return resources;
    }

    private static Map<String, Object> resource(String logicalId) {
        Map<String, Object> resource = resources().get(logicalId);
        assertThat(resource).as("resource %s", logicalId).isNotNull();
        return resource;
    }

    private static Map<String, Object> properties(String logicalId) {
        return propertiesOf(resource(logicalId));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> propertiesOf(Map<String, Object> resource) {
        Object properties = resource.get("Properties");
        return properties == null ? Map.of() : (Map<String, Object>) properties;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> replicaOf(String tableId) {
        List<Object> replicas = (List<Object>) properties(tableId).get("Replicas");
        assertThat(replicas).hasSize(1);
        return (Map<String, Object>) replicas.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment() {
        Map<String, Object> environment = (Map<String, Object>) properties(functionId)
                .get("Environment");
        return (Map<String, Object>) environment.get("Variables");
    }

    /** Every statement of every identity policy of the vending function's role. */
    private static List<Map<String, Object>> statements() {
        return statementsOf(roleId);
    }

    /** Every statement of every identity policy attached to a role. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statementsOf(String role) {
        List<Map<String, Object>> statements = new ArrayList<>();
        template.findResources("AWS::IAM::Policy").values().stream()
                .filter(policy -> listOf(propertiesOf(policy).get("Roles")).contains(ref(role)))
                .forEach(policy -> {
            Map<String, Object> document =
                    (Map<String, Object>) propertiesOf(policy).get("PolicyDocument");
            for (Object statement : listOf(document.get("Statement"))) {
                statements.add((Map<String, Object>) statement);
            }
        });
        return statements;
    }

    private static List<String> actions(Map<String, Object> statement) {
        return listOf(statement.get("Action")).stream().map(String.class::cast).toList();
    }

    private static List<Object> resourcesOf(Map<String, Object> statement) {
        return listOf(statement.get("Resource"));
    }

    private static List<String> actionsOn(Object resource) {
        return statements().stream()
                .filter(statement -> resourcesOf(statement).contains(resource))
                .flatMap(statement -> actions(statement).stream())
                .toList();
    }

    // IAM allows a single value or a list wherever a list is expected.
    private static List<Object> listOf(Object value) {
        if (value instanceof List<?> list) {
            return List.copyOf(list);
        }
        return value == null ? List.of() : List.of(value);
    }

    /** Renders an {@code Fn::Join} as text, replacing intrinsics by the given placeholders. */
    private static String render(Object value, Map<Object, String> placeholders) {
        if (value instanceof String text) {
            return text;
        }
        if (placeholders.containsKey(value)) {
            return placeholders.get(value);
        }
        assertThat(value).as("an Fn::Join").isInstanceOf(Map.class);
        List<Object> join = listOf(((Map<?, ?>) value).get("Fn::Join"));
        assertThat(join).as("Fn::Join of %s", value).hasSize(2);
        List<String> parts = listOf(join.get(1)).stream()
                .map(part -> render(part, placeholders))
                .toList();
        return String.join((String) join.get(0), parts);
    }
}
