// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

/**
 * Throttling of the HTTP API's default stage, applied to every route together.
 *
 * <p>The defaults keep a steady load under KMS's default account quota for ECC signing (300
 * requests per second in most regions, shared by every ECC key of the account and region): each
 * issued token costs one {@code kms:Sign}. Raise them with the quota, not beyond it.
 *
 * @param burstLimit requests API Gateway accepts at once above the steady rate; at least 1
 * @param rateLimit steady requests per second; more than 0
 */
public record ApiThrottle(int burstLimit, double rateLimit) {

    /** Default burst: {@value}. */
    public static final int DEFAULT_BURST_LIMIT = 200;
    /** Default steady rate per second: {@value}. */
    public static final double DEFAULT_RATE_LIMIT = 100;

    /** The default limits. */
    public static final ApiThrottle DEFAULTS =
            new ApiThrottle(DEFAULT_BURST_LIMIT, DEFAULT_RATE_LIMIT);

    /** The default limits of {@code POST /challenge}: {@link #challengeDefaultFor} the defaults. */
    public static final ApiThrottle CHALLENGE_DEFAULTS = challengeDefaultFor(DEFAULTS);

    /**
     * The default limits of {@code POST /challenge} under a stage's limits: a tenth of each (a
     * burst of at least 1). Anyone may ask for a challenge without proving anything, and each one
     * a caller redeems costs a DynamoDB write, so the route a flood would aim at gets the tightest
     * limit.
     */
    public static ApiThrottle challengeDefaultFor(ApiThrottle stage) {
        return new ApiThrottle(Math.max(1, stage.burstLimit() / 10), stage.rateLimit() / 10);
    }

    /** Whether both limits are at most {@code other}'s. */
    public boolean isWithin(ApiThrottle other) {
        return burstLimit <= other.burstLimit && rateLimit <= other.rateLimit;
    }

    /** Refuses limits API Gateway would reject or that would close the API. */
    public ApiThrottle {
        if (burstLimit < 1) {
            throw new IllegalArgumentException("burstLimit must be at least 1, was " + burstLimit);
        }
        if (!(rateLimit > 0) || Double.isInfinite(rateLimit)) {
            throw new IllegalArgumentException(
                    "rateLimit must be a positive number, was " + rateLimit);
        }
    }
}
