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
