// SPDX-License-Identifier: Apache-2.0
package dev.vend.it.faults;

import dev.vend.it.faults.FaultyDeployment.Environment;
import dev.vend.testsupport.Fault;
import dev.vend.testsupport.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A dependency of {@code POST /token}, in pipeline order: the issuer's key set or, for an AWS
 * IAM proof, STS {@code GetCallerIdentity} (verify), the single-use store (verify consumes the
 * {@code jti} or the challenge), the policy store (evaluate), and KMS or STS {@code AssumeRole}
 * (issue). Each names the proxy and operation its faults go to, the request that meets them,
 * its cache (if any) with the ages that put a copy within or past its stale limit, the longest
 * one call may take, its service's throttling (and service fault) answers, and a bad input Vend
 * refuses before calling it.
 */
enum Dependency {

    JWKS("JWKS endpoint", FaultyDeployment.JWKS, 0, Deadlines.FETCH,
            vend -> vend.jwksProxy, jwksAges(),
            List.of(new FaultMode("throttling (HTTP 429)", Fault.httpStatus(429)),
                    new FaultMode("throttling (HTTP 503)", Fault.httpStatus(503))),
            new BadInput("a subject token that is not a JWS", "malformed_token",
                    vend -> vend.formFor("not-a-jws", FaultyDeployment.API))),
    IAM_PROOF("STS GetCallerIdentity (IAM proof)", "GetCallerIdentity", 0, Deadlines.STS_PROOF,
            vend -> vend.iamStsProxy, null,
            List.of(new FaultMode("throttling (HTTP 400 Throttling)", Fault.stsThrottling()),
                    new FaultMode("throttling (HTTP 400 RequestLimitExceeded)",
                            Fault.stsError(400, "RequestLimitExceeded")),
                    new FaultMode("service fault (HTTP 503 ServiceUnavailable)",
                            Fault.stsError(503, "ServiceUnavailable")),
                    new FaultMode("service fault (HTTP 500 InternalFailure)",
                            Fault.stsError(500, "InternalFailure"))),
            new BadInput("an IAM proof signed 20 minutes ago", "expired",
                    vend -> vend.iamProofForm(vend.clock.instant().minus(Duration.ofMinutes(20))))),
    SINGLE_USE_STORE("single-use store", "PutItem", 1, Deadlines.AWS_CALL,
            vend -> vend.dynamoDbProxy, null, dynamoDbThrottling(),
            new BadInput("an expired proof", "expired", vend -> vend.formFor(
                    vend.proof("1001", "123")
                            .issuedAt(vend.clock.instant().minus(Duration.ofMinutes(20)))
                            .expiresAt(vend.clock.instant().minus(Duration.ofMinutes(10)))
                            .sign(), FaultyDeployment.API))),
    POLICY_STORE("policy store", "Query", 2, Deadlines.AWS_CALL,
            vend -> vend.dynamoDbProxy, policyAges(), policyStoreErrors(),
            new BadInput("a proof with a forged signature", "bad_signature",
                    vend -> vend.formFor(vend.forgedProof(), FaultyDeployment.API))),
    KMS("KMS", "Sign", 3, Deadlines.AWS_CALL, vend -> vend.kmsProxy, null,
            List.of(new FaultMode("throttling (ThrottlingException)", Fault.kmsThrottling())),
            new BadInput("an audience no policy entitles", "audience_not_entitled",
                    vend -> vend.formFor(vend.proof("1001", "123").sign(),
                            "https://unknown.example.com"))),
    STS("STS AssumeRole", "AssumeRole", 3, Deadlines.AWS_CALL,
            vend -> vend.stsProxy(), null,
            List.of(new FaultMode("throttling (Throttling)", Fault.stsThrottling())),
            new BadInput("AWS credentials for a proof no AWS policy entitles",
                    "token_type_not_entitled",
                    vend -> vend.awsCredentialsForm(vend.proof("1001", "123").sign())));

    /**
     * One way to fail, as the matrix names it.
     *
     * @param staleCopyAnswers whether a cached copy within its stale limit may answer for it:
     *     always for the key set (ADR 0004), only for throttling and timeouts for the policy
     *     store (ADR 0011)
     */
    record FaultMode(String label, Fault fault, boolean staleCopyAnswers) {
        FaultMode(String label, Fault fault) {
            this(label, fault, true);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** How old a cached copy is within and past its stale limit. */
    record CacheAges(Duration withinStaleLimit, Duration pastStaleLimit) {
    }

    /**
     * A request Vend must refuse with 400 before it calls the dependency.
     *
     * @param label what is wrong with it
     * @param reason the audit reason of the refusal
     * @param form the request's form body in an environment
     */
    record BadInput(String label, String reason, Function<Environment, String> form) {
        @Override
        public String toString() {
            return label;
        }
    }

    private final String label;
    private final String operation;
    private final int step;
    private final Duration bound;
    private final Function<Environment, FaultProxy> proxy;
    private final @Nullable CacheAges ages;
    private final List<FaultMode> throttling;
    private final BadInput badInput;

    Dependency(String label, String operation, int step, Duration bound,
            Function<Environment, FaultProxy> proxy, @Nullable CacheAges ages,
            List<FaultMode> throttling, BadInput badInput) {
        this.label = label;
        this.operation = operation;
        this.step = step;
        this.bound = bound;
        this.proxy = proxy;
        this.ages = ages;
        this.throttling = throttling;
        this.badInput = badInput;
    }

    /** The proxy in front of the dependency in an environment. */
    FaultProxy proxy(Environment vend) {
        return proxy.apply(vend);
    }

    /** The operation the proxy faults and counts: {@code Query}, {@code Sign}, a path. */
    String operation() {
        return operation;
    }

    /** Whether this dependency comes after the other in the pipeline. */
    boolean after(Dependency other) {
        return step > other.step;
    }

    /** The longest one call to it may take (its client's timeouts and retries). */
    Duration bound() {
        return bound;
    }

    /**
     * A request that meets this dependency: AWS credentials (STS {@code AssumeRole}), an access
     * token for an IAM proof ({@code GetCallerIdentity}), else an access token for an OIDC token.
     * An IAM proof's challenge is issued first, a write to the single-use table.
     */
    String request(Environment vend) {
        return switch (this) {
            case STS -> vend.awsCredentialsForm();
            case IAM_PROOF -> vend.iamProofForm();
            default -> vend.tokenForm();
        };
    }

    /** The cache states a fault can meet: cold and warm where a cache exists. */
    List<CacheState> cacheStates() {
        return ages == null ? List.of(CacheState.NONE) : List.of(CacheState.COLD,
                CacheState.WARM_WITHIN_STALE_LIMIT, CacheState.WARM_PAST_STALE_LIMIT);
    }

    /** How far to move the clock after warming the cache. */
    Duration age(CacheState state) {
        if (ages == null || !state.warm()) {
            return Duration.ZERO;
        }
        return state == CacheState.WARM_WITHIN_STALE_LIMIT ? ages.withinStaleLimit()
                : ages.pastStaleLimit();
    }

    /** Unavailable, slow, and each throttling or service fault answer of the service. */
    List<FaultMode> faults(Duration slow) {
        var modes = new ArrayList<FaultMode>();
        // ADR 0011: a reset after the request was sent is no timeout; the policy store's copy
        // does not answer for it.
        modes.add(new FaultMode("unavailable (connection reset)", Fault.reset(),
                this != POLICY_STORE));
        modes.add(new FaultMode("slow (no answer for " + slow.toSeconds() + " s)",
                Fault.delay(slow)));
        if (this == JWKS || this == IAM_PROOF) {
            // Both are read with the JDK client, whose own timeout ends at the response head.
            modes.add(new FaultMode("slow (body stalls for " + slow.toSeconds() + " s)",
                    Fault.stallBody(slow)));
        }
        modes.addAll(throttling);
        return modes;
    }

    /** A request refused before the dependency is called. */
    BadInput badInput() {
        return badInput;
    }

    @Override
    public String toString() {
        return label;
    }

    /**
     * DESIGN's contract ("Policies"), not the store's constants, so a store that drifts from it
     * fails: fresh for 30 s, a stale copy for at most 5 minutes. Ages 2 min 45 s and 6 min.
     */
    private static CacheAges policyAges() {
        return new CacheAges(Duration.ofSeconds(165), Duration.ofMinutes(6));
    }

    /**
     * ADR 0004's key cache: refreshed every 10 minutes, the last good keys serve for at most one
     * hour while refreshes fail. Ages 35 min and 61 min.
     */
    private static CacheAges jwksAges() {
        return new CacheAges(Duration.ofMinutes(35), Duration.ofMinutes(61));
    }

    /** DynamoDB's throttling, for which a stale copy answers, and a 5xx, for which none does. */
    private static List<FaultMode> policyStoreErrors() {
        var modes = new ArrayList<>(dynamoDbThrottling());
        modes.add(new FaultMode("service fault (HTTP 500 InternalServerError)",
                Fault.dynamoDbError(500, "InternalServerError"), false));
        return modes;
    }

    private static List<FaultMode> dynamoDbThrottling() {
        return List.of(
                new FaultMode("throttling (ProvisionedThroughputExceededException)",
                        Fault.dynamoDbThrottling("ProvisionedThroughputExceededException")),
                new FaultMode("throttling (ThrottlingException)",
                        Fault.dynamoDbThrottling("ThrottlingException")));
    }
}
