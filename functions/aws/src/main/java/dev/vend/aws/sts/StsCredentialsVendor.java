// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.sts;

import dev.vend.Lazy;
import dev.vend.aws.AwsFailures;
import dev.vend.aws.DynamoDbClients;
import dev.vend.issue.AwsSessionRequest;
import dev.vend.issue.AwsSessionRules;
import dev.vend.issue.CredentialsVendor;
import dev.vend.metrics.Metric;
import dev.vend.metrics.Metrics;
import dev.vend.model.AwsCredentials;
import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Vends temporary AWS credentials with {@code sts:AssumeRole}: the policy's role, session tags
 * (always {@code vend:policy_id}), a source identity from verified attributes, an optional
 * session policy, and a duration capped at one hour. Vend's Lambda runs on a role session, so
 * every AssumeRole it makes is role chaining, which STS caps at one hour; asking for more fails.
 * The target role's trust policy must allow {@code sts:AssumeRole}, {@code sts:TagSession} and
 * {@code sts:SetSourceIdentity} for Vend's role.
 *
 * <p>The request is checked against STS's rules ({@link AwsSessionRules}) before the call; a
 * request that breaks them is a permanent failure here, because the policy stage should have
 * refused it. Failures keep the error code and HTTP status only, never the AWS message (which
 * names accounts and roles): throttling, timeouts and 5xx are transient; access denied,
 * {@code RegionDisabledException}, malformed or oversized policies are permanent.
 *
 * <p>Each {@code AssumeRole} call's duration, failed or not, is recorded as
 * {@link Metric#STS_LATENCY} into the request's {@link Metrics}.
 *
 * <p>Immutable and thread-safe (the SDK client is).
 */
public final class StsCredentialsVendor implements CredentialsVendor {

    private static final Set<String> PERMANENT = Set.of("AccessDenied", "AccessDeniedException",
            "RegionDisabledException", "MalformedPolicyDocument", "PackedPolicyTooLarge",
            "ValidationError");

    private final StsClient sts;
    private final Metrics metrics;

    /** @param sts the client; shared, not closed by this vendor */
    public StsCredentialsVendor(StsClient sts) {
        this(sts, Metrics.none());
    }

    /**
     * @param sts the client; shared, not closed by this vendor
     * @param metrics where each {@code AssumeRole} call's duration is recorded
     */
    public StsCredentialsVendor(StsClient sts, Metrics metrics) {
        this.sts = Objects.requireNonNull(sts, "sts");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * A builder for the STS client with Vend's settings: the JDK HTTP client, the default
     * credentials and region chains, and the time limits of {@link DynamoDbClients}.
     *
     * @param endpointOverride an STS endpoint (a fake, LocalStack), or null for the region's
     */
    public static StsClientBuilder clientBuilder(@Nullable URI endpointOverride) {
        return DynamoDbClients.withVendSettings(StsClient.builder(), endpointOverride);
    }

    /**
     * A vendor whose STS client is asked for on the first AssumeRole, never before: SnapStart
     * priming vends access tokens only, so no STS connection or resolved credentials are in a
     * snapshot (field case BUG-26). The client is kept from then on; the deployment hands in a
     * stand-in that builds a new client after each restore. Thread-safe.
     *
     * @param client supplies the client; asked once
     */
    public static CredentialsVendor lazy(Supplier<StsClient> client) {
        return lazy(client, Metrics.none());
    }

    /**
     * As {@link #lazy(Supplier)}, recording each {@code AssumeRole} call's duration.
     *
     * @param client supplies the client; asked once
     * @param metrics where each call's duration is recorded
     */
    public static CredentialsVendor lazy(Supplier<StsClient> client, Metrics metrics) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(metrics, "metrics");
        var vendor = new Lazy<>(() -> new StsCredentialsVendor(client.get(), metrics));
        return request -> vendor.get().assumeRole(request);
    }

    @Override
    public AwsCredentials assumeRole(AwsSessionRequest request) {
        List<String> problems = AwsSessionRules.problems(request);
        if (!problems.isEmpty()) {
            throw VendingFailure.permanent("AssumeRole request breaks STS rules: "
                    + String.join("; ", problems), null);
        }
        Credentials credentials;
        try {
            AssumeRoleRequest call = toSdk(request);
            credentials = metrics.time(Metric.STS_LATENCY, () -> sts.assumeRole(call))
                    .credentials();
        } catch (SdkException e) {
            throw failure(e);
        }
        if (credentials == null) {
            throw VendingFailure.permanent("STS AssumeRole returned no credentials", null);
        }
        return new AwsCredentials(credentials.accessKeyId(), credentials.secretAccessKey(),
                credentials.sessionToken(), credentials.expiration());
    }

    private static AssumeRoleRequest toSdk(AwsSessionRequest request) {
        Duration duration = request.duration().compareTo(AwsSessionRules.MAX_CHAINED_DURATION) > 0
                ? AwsSessionRules.MAX_CHAINED_DURATION : request.duration();
        var builder = AssumeRoleRequest.builder()
                .roleArn(request.roleArn())
                .roleSessionName(request.sessionName())
                .durationSeconds((int) duration.toSeconds())
                .tags(request.tags().entrySet().stream()
                        .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build())
                        .toList());
        if (request.sourceIdentity() != null) {
            builder.sourceIdentity(request.sourceIdentity());
        }
        if (request.sessionPolicy() != null) {
            builder.policy(request.sessionPolicy());
        }
        return builder.build();
    }

    private static VendingFailure failure(SdkException exception) {
        VendingFailure general = AwsFailures.failure("STS AssumeRole", exception);
        boolean permanent = exception instanceof AwsServiceException service
                && service.awsErrorDetails() != null
                && PERMANENT.contains(service.awsErrorDetails().errorCode())
                && !service.isThrottlingException();
        return permanent && general.kind() != FailureKind.PERMANENT
                ? new VendingFailure(FailureKind.PERMANENT, general.getMessage(),
                        general.getCause())
                : general;
    }
}
