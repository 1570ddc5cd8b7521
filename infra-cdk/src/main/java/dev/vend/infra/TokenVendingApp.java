// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import dev.vend.infra.constructs.ApiThrottle;
import dev.vend.infra.constructs.CustomDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: reads its settings from CDK context, adds {@link TokenVendingStack} and
 * synthesizes. cdk.json runs it with plain {@code java}; see infra-cdk/README.md.
 *
 * <p>Context keys, all optional ({@code cdk synth -c key=value} or cdk.json):
 * <ul>
 *   <li>{@value #FUNCTION_JAR} — the Lambda jar; relative paths are resolved against the working
 *       directory (infra-cdk when the CDK CLI runs the app); default {@value #DEFAULT_FUNCTION_JAR}
 *   <li>{@value #API_BURST_LIMIT}, {@value #API_RATE_LIMIT} — the API's default-stage throttling
 *   <li>{@value #CHALLENGE_BURST_LIMIT}, {@value #CHALLENGE_RATE_LIMIT} — the tighter limits of
 *       {@code POST /challenge}; default a tenth of the stage's
 *   <li>{@value #POLICIES_FOLDER} — the policy documents loaded into the policy table; default
 *       {@value #DEFAULT_POLICIES_FOLDER} when that folder exists
 *   <li>{@value #ISSUERS_FILE} — the issuer registry those documents are compiled against (set
 *       it when the function is given one); default the function's embedded default
 *   <li>{@value #CUSTOM_DOMAIN_NAME} with {@value #CUSTOM_DOMAIN_CERTIFICATE_ARN} — serve the API
 *       on a custom domain, which then names the issuer
 *   <li>{@value #STS_ENDPOINT} — one more {@code https} STS endpoint for the AWS IAM proofs the
 *       function checks ({@code VEND_AWS_STS_ENDPOINT}); default none
 * </ul>
 */
public final class TokenVendingApp {

    /** The stack's construct id, and so its default CloudFormation stack name. */
    public static final String STACK_ID = "Vend";

    /** Context key: the Lambda jar. */
    public static final String FUNCTION_JAR = "functionJar";
    /** Context key: the default stage's burst limit. */
    public static final String API_BURST_LIMIT = "apiBurstLimit";
    /** Context key: the default stage's steady rate limit, per second. */
    public static final String API_RATE_LIMIT = "apiRateLimit";
    /** Context key: the burst limit of {@code POST /challenge}. */
    public static final String CHALLENGE_BURST_LIMIT = "challengeBurstLimit";
    /** Context key: the steady rate limit of {@code POST /challenge}, per second. */
    public static final String CHALLENGE_RATE_LIMIT = "challengeRateLimit";
    /** Context key: the folder of policy documents the deployment loads. */
    public static final String POLICIES_FOLDER = "policiesFolder";
    /** The repository's policy folder, seen from infra-cdk. */
    public static final String DEFAULT_POLICIES_FOLDER = "../policies";
    /** Context key: the issuer registry file the function is configured with. */
    public static final String ISSUERS_FILE = "issuersFile";
    /** The source of the function's embedded default issuer registry, seen from infra-cdk. */
    public static final String DEFAULT_ISSUERS_FILE =
            "../functions/api/src/main/resources/dev/vend/api/default-issuers.yaml";
    /** Context key: the custom domain's host name. */
    public static final String CUSTOM_DOMAIN_NAME = "customDomainName";
    /** Context key: the ACM certificate ARN for the custom domain. */
    public static final String CUSTOM_DOMAIN_CERTIFICATE_ARN = "customDomainCertificateArn";
    /** Context key: one more STS endpoint for AWS IAM proofs. */
    public static final String STS_ENDPOINT = "stsEndpoint";

    /** Where {@code mvn package} leaves the shaded jar of functions/api, seen from infra-cdk. */
    public static final String DEFAULT_FUNCTION_JAR =
            "../functions/api/target/vend-api-0.1.0-SNAPSHOT.jar";

    private TokenVendingApp() {
    }

    /**
     * Synthesizes the app into the directory the CDK CLI names. A missing Lambda jar or a bad
     * context value ends the process with status 2 and a one-line message.
     */
    public static void main(String[] args) {
        App app = new App();
        TokenVendingStackProps props;
        try {
            props = propsFromContext(app.getNode()::tryGetContext, Path.of(""));
        } catch (IllegalArgumentException e) {
            System.err.println("Vend CDK app: " + e.getMessage());
            System.exit(2);
            return;
        }
        new TokenVendingStack(app, STACK_ID, props);
        app.synth();
    }

    /**
     * Builds the stack props from context values.
     *
     * @param context returns the context value for a key, or null when it is not set
     * @param baseDir the directory relative jar paths are resolved against
     * @throws IllegalArgumentException naming the key or file that is wrong
     */
    static TokenVendingStackProps propsFromContext(
            Function<String, @Nullable Object> context, Path baseDir) {
        Path functionJar = resolveFunctionJar(context.apply(FUNCTION_JAR), baseDir);
        ApiThrottle throttle = new ApiThrottle(
                intOr(context, API_BURST_LIMIT, ApiThrottle.DEFAULT_BURST_LIMIT),
                doubleOr(context, API_RATE_LIMIT, ApiThrottle.DEFAULT_RATE_LIMIT));
        ApiThrottle derived = ApiThrottle.challengeDefaultFor(throttle);
        ApiThrottle challengeThrottle = new ApiThrottle(
                intOr(context, CHALLENGE_BURST_LIMIT, derived.burstLimit()),
                doubleOr(context, CHALLENGE_RATE_LIMIT, derived.rateLimit()));
        return TokenVendingStackProps.builder(functionJar)
                .throttle(throttle)
                .challengeThrottle(challengeThrottle)
                .policiesFolder(resolvePoliciesFolder(context.apply(POLICIES_FOLDER), baseDir))
                .issuersFile(resolveIssuersFile(context.apply(ISSUERS_FILE), baseDir))
                .customDomain(customDomain(context))
                .stsEndpoint(stringOrNull(context.apply(STS_ENDPOINT)))
                .stackProps(StackProps.builder()
                        .description("Vend: workload token vending (runtime proof in,"
                                + " short-lived token out)")
                        .build())
                .build();
    }

    /**
     * Finds the Lambda jar: {@code contextValue} if set, else {@value #DEFAULT_FUNCTION_JAR},
     * resolved against {@code baseDir}.
     *
     * @throws IllegalArgumentException when no such file exists; the message says how to build it
     */
    static Path resolveFunctionJar(@Nullable Object contextValue, Path baseDir) {
        String configured = contextValue == null ? "" : contextValue.toString().strip();
        Path jar = baseDir.resolve(configured.isEmpty() ? DEFAULT_FUNCTION_JAR : configured)
                .toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("Lambda code not found at " + jar + ". Build it"
                    + " from the repository root with `mvn -pl functions/api -am package`, or"
                    + " pass another jar with `-c " + FUNCTION_JAR + "=<path>`.");
        }
        return jar;
    }

    /**
     * Finds the policy folder: {@code contextValue} if set (it must exist), else
     * {@value #DEFAULT_POLICIES_FOLDER} if it exists, else none.
     *
     * @throws IllegalArgumentException when a configured folder does not exist
     */
    static @Nullable Path resolvePoliciesFolder(@Nullable Object contextValue, Path baseDir) {
        String configured = stringOrNull(contextValue);
        Path folder = baseDir.resolve(configured == null ? DEFAULT_POLICIES_FOLDER : configured)
                .toAbsolutePath()
                .normalize();
        if (Files.isDirectory(folder)) {
            return folder;
        }
        if (configured != null) {
            throw new IllegalArgumentException("policy folder not found at " + folder + " ("
                    + POLICIES_FOLDER + ")");
        }
        return null;
    }

    /**
     * Finds the issuer registry: {@code contextValue} if set (it must exist), else
     * {@value #DEFAULT_ISSUERS_FILE} if it exists, else none.
     *
     * @throws IllegalArgumentException when a configured file does not exist
     */
    static @Nullable Path resolveIssuersFile(@Nullable Object contextValue, Path baseDir) {
        String configured = stringOrNull(contextValue);
        Path file = baseDir.resolve(configured == null ? DEFAULT_ISSUERS_FILE : configured)
                .toAbsolutePath()
                .normalize();
        if (Files.isRegularFile(file)) {
            return file;
        }
        if (configured != null) {
            throw new IllegalArgumentException("issuer registry not found at " + file + " ("
                    + ISSUERS_FILE + ")");
        }
        return null;
    }

    private static @Nullable CustomDomain customDomain(Function<String, @Nullable Object> context) {
        String name = stringOrNull(context.apply(CUSTOM_DOMAIN_NAME));
        String certificateArn = stringOrNull(context.apply(CUSTOM_DOMAIN_CERTIFICATE_ARN));
        if (name == null && certificateArn == null) {
            return null;
        }
        if (name == null || certificateArn == null) {
            throw new IllegalArgumentException("a custom domain needs both " + CUSTOM_DOMAIN_NAME
                    + " and " + CUSTOM_DOMAIN_CERTIFICATE_ARN);
        }
        return new CustomDomain(name, certificateArn);
    }

    private static int intOr(Function<String, @Nullable Object> context, String key, int fallback) {
        double value = doubleOr(context, key, fallback);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be a whole number, was " + value);
        }
        return (int) value;
    }

    private static double doubleOr(
            Function<String, @Nullable Object> context, String key, double fallback) {
        Object value = context.apply(key);
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        String text = stringOrNull(value);
        if (text == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + text + "'", e);
        }
    }

    private static @Nullable String stringOrNull(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString().strip();
        return text.isEmpty() ? null : text;
    }
}
