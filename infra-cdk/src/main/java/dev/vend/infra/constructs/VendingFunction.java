// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The vending Lambda function: Java 21 with SnapStart, published as a version behind the
 * {@value #ALIAS_NAME} alias. Callers must invoke the alias; SnapStart never runs on the
 * unqualified function ({@code $LATEST}).
 *
 * <p>The function's role is built here with nothing but what the function uses: writing to its
 * own log group, {@code kms:Sign} and {@code kms:GetPublicKey} on the signing key, Query on the
 * policy table, PutItem on the single-use table (each consume is one conditional
 * PutItem), and {@code sts:AssumeRole}, {@code sts:TagSession} and {@code sts:SetSourceIdentity}
 * only on roles tagged {@value #VEND_ROLE_TAG}{@code =}{@value #VEND_ROLE_TAG_VALUE}. It does not
 * get the AWS managed basic execution policy, which may write to every log group of the account.
 *
 * <p>The function reads its configuration from the environment variables named by the
 * {@code ENV_} constants. {@value #ENV_SIGNING_KEYS} is a JSON array of
 * {@code {"arn": <key ARN>, "state": "active"}} objects.
 */
public final class VendingFunction extends Construct {

    /** The handler class in {@code functions/api}. */
    public static final String HANDLER = "dev.vend.api.lambda.VendLambdaHandler";
    /** The alias every caller (and the API) invokes. */
    public static final String ALIAS_NAME = "live";
    /** Memory in MB; Lambda's CPU share grows with it, which shortens a Java cold start. */
    public static final int MEMORY_MB = 1024;
    /**
     * Timeout in seconds: above the longest a request can take when its dependencies fail, 21 s
     * (a key refresh through discovery, two fetches of 6 s, then three AWS calls of 3 s; see
     * docs/faults.md), so Vend always answers with its own 503 and audit event before Lambda
     * stops it; and below the HTTP API's 30 s integration timeout.
     */
    public static final int TIMEOUT_SECONDS = 25;

    /** Environment variable: Vend's issuer URL, the {@code iss} of every token it issues. */
    public static final String ENV_ISSUER_URL = "VEND_ISSUER_URL";
    /** Environment variable: the name of the policy table. */
    public static final String ENV_POLICY_TABLE = "VEND_POLICY_TABLE";
    /** Environment variable: the name of the single-use table. */
    public static final String ENV_SINGLE_USE_TABLE = "VEND_SINGLE_USE_TABLE";
    /** Environment variable: the signing keys as a JSON array of ARN and state. */
    public static final String ENV_SIGNING_KEYS = "VEND_SIGNING_KEYS";
    /** Environment variable: one more STS endpoint for AWS IAM proofs, when configured. */
    public static final String ENV_AWS_STS_ENDPOINT = "VEND_AWS_STS_ENDPOINT";

    /** What the function may do with the signing key: sign, and read the public half. */
    public static final List<String> SIGNING_KEY_ACTIONS = List.of("kms:Sign", "kms:GetPublicKey");
    /**
     * What the function may do with the policy table: the one consistent Query per partition of
     * {@code DynamoDbPolicyStore}; read only.
     */
    public static final List<String> POLICY_TABLE_ACTIONS = List.of("dynamodb:Query");
    /**
     * What the function may do with the single-use table: the conditional PutItem of
     * {@code DynamoDbSingleUseStore}, which challenges and inbound {@code jti} values share. No
     * read, update or delete: a consumed value is never read back, and TTL deletes it.
     */
    public static final List<String> SINGLE_USE_TABLE_ACTIONS = List.of("dynamodb:PutItem");
    /**
     * What the function may do with roles it vends AWS credentials for: assume them, with
     * session tags and a source identity taken from the verified attestation.
     */
    public static final List<String> ROLE_ACTIONS =
            List.of("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity");
    /** The tag a role must carry, set to {@value #VEND_ROLE_TAG_VALUE}, for Vend to assume it. */
    public static final String VEND_ROLE_TAG = "vend:allowed";
    /** The value of {@value #VEND_ROLE_TAG} that opts a role in. */
    public static final String VEND_ROLE_TAG_VALUE = "true";

    // CDK warns about SnapStart on every function, even one that publishes a version as this one
    // does through currentVersion and its alias.
    private static final String SNAPSTART_PUBLISH_WARNING =
            "@aws-cdk/aws-lambda:snapStartRequirePublish";

    private final Function function;
    private final Alias alias;

    /** Creates the function, its version and alias, its log group and its role. */
    public VendingFunction(Construct scope, String id, VendingFunctionProps props) {
        super(scope, id);
        requireJar(props);

        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(RetentionDays.ONE_MONTH)
                .build();
        Role role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Vend vending function")
                .build();
        logGroup.grantWrite(role);

        this.function = Function.Builder.create(this, "Function")
                .description("Vend: verifies a workload attestation, vends a short-lived token")
                .runtime(Runtime.JAVA_21)
                .handler(HANDLER)
                .code(Code.fromAsset(props.functionJar().toString()))
                .memorySize(MEMORY_MB)
                .timeout(Duration.seconds(TIMEOUT_SECONDS))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(role)
                .logGroup(logGroup)
                .environment(environment(props))
                .build();
        Annotations.of(function).acknowledgeWarning(SNAPSTART_PUBLISH_WARNING,
                "published through currentVersion and invoked only through the alias");
        this.alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .build();

        props.signingKey().grant(role, SIGNING_KEY_ACTIONS.toArray(String[]::new));
        props.policyTable().getGrants()
                .actions(role, POLICY_TABLE_ACTIONS.toArray(String[]::new));
        props.singleUseTable().getGrants()
                .actions(role, SINGLE_USE_TABLE_ACTIONS.toArray(String[]::new));
        role.addToPrincipalPolicy(taggedRolesOnly());
    }

    /** The {@value #ALIAS_NAME} alias: the only thing that should invoke the function. */
    public IAlias alias() {
        return alias;
    }

    /** The unqualified function, for metrics and tests; never route traffic to it. */
    public Function function() {
        return function;
    }

    private Map<String, String> environment(VendingFunctionProps props) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(ENV_ISSUER_URL, props.issuerUrl());
        environment.put(ENV_POLICY_TABLE, props.policyTable().getTableName());
        environment.put(ENV_SINGLE_USE_TABLE, props.singleUseTable().getTableName());
        environment.put(ENV_SIGNING_KEYS, signingKeysJson(props));
        if (props.stsEndpoint() != null) {
            environment.put(ENV_AWS_STS_ENDPOINT, props.stsEndpoint());
        }
        return environment;
    }

    private String signingKeysJson(VendingFunctionProps props) {
        Map<String, String> activeKey = new LinkedHashMap<>();
        activeKey.put("arn", props.signingKey().getKeyArn());
        activeKey.put("state", "active");
        // toJsonString keeps the ARN a token, resolved by CloudFormation at deploy time.
        return Stack.of(this).toJsonString(List.of(activeKey));
    }

    /**
     * Roles of any account (a role in another account must also trust Vend's role in its trust
     * policy), but only those whose owner tagged them for Vend. A role without the tag, such as
     * an administrator role of the same account, can not be assumed even if its trust policy
     * were too broad.
     */
    private PolicyStatement taggedRolesOnly() {
        String anyRole = Stack.of(this).formatArn(ArnComponents.builder()
                .service("iam").region("").account("*").resource("role").resourceName("*")
                .build());
        return PolicyStatement.Builder.create()
                .sid("AssumeRolesTaggedForVend")
                .effect(Effect.ALLOW)
                .actions(ROLE_ACTIONS)
                .resources(List.of(anyRole))
                .conditions(Map.of("StringEquals",
                        Map.of("aws:ResourceTag/" + VEND_ROLE_TAG, VEND_ROLE_TAG_VALUE)))
                .build();
    }

    private static void requireJar(VendingFunctionProps props) {
        if (!Files.isRegularFile(props.functionJar())) {
            throw new IllegalArgumentException(
                    "Lambda code not found: " + props.functionJar().toAbsolutePath());
        }
    }
}
