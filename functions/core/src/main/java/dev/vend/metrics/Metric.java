// SPDX-License-Identifier: Apache-2.0
package dev.vend.metrics;

/**
 * Every dependency metric a request can record, each with its CloudWatch name and unit. The set
 * is closed, so one request's metric line can never name more metrics than exist here.
 */
public enum Metric {

    /** One KMS {@code Sign} call, in milliseconds. */
    KMS_LATENCY("KmsLatency", Unit.MILLISECONDS),
    /** One policy-table {@code Query} (all of its pages), in milliseconds. */
    POLICY_STORE_LATENCY("PolicyStoreLatency", Unit.MILLISECONDS),
    /** One conditional {@code PutItem} on the single-use table, in milliseconds. */
    SINGLE_USE_STORE_LATENCY("SingleUseStoreLatency", Unit.MILLISECONDS),
    /** One STS {@code AssumeRole} call, in milliseconds. */
    STS_LATENCY("StsLatency", Unit.MILLISECONDS),
    /**
     * One STS {@code GetCallerIdentity} call of an AWS IAM proof (the request Vend rebuilt from
     * the proof), in milliseconds.
     */
    STS_PROOF_LATENCY("StsProofLatency", Unit.MILLISECONDS),
    /** One fetch of an issuer's keys (discovery document and JWKS), in milliseconds. */
    JWKS_FETCH_LATENCY("JwksFetchLatency", Unit.MILLISECONDS),
    /** A policy lookup answered from a fresh cached copy, without asking DynamoDB. */
    POLICY_CACHE_HIT("PolicyCacheHit", Unit.COUNT),
    /** A policy lookup that asked DynamoDB, because no fresh copy was cached. */
    POLICY_CACHE_MISS("PolicyCacheMiss", Unit.COUNT),
    /**
     * A policy lookup that asked DynamoDB, failed on throttling or a timeout (a refused
     * connection counts as one), and was answered from a copy up to five minutes old; always
     * recorded together with a miss. No other failure is answered from a copy (ADR 0011).
     */
    POLICY_CACHE_STALE("PolicyCacheStale", Unit.COUNT),
    /**
     * An issuer key lookup answered from the keys held, without a fetch: keys not yet due for
     * refresh, whether or not they hold the token's key id (an unknown id is refetched at most
     * once per cooldown, a minute by default).
     */
    JWKS_CACHE_HIT("JwksCacheHit", Unit.COUNT),
    /** An issuer key lookup that found the held keys due and refetched them successfully. */
    JWKS_CACHE_REFRESH("JwksCacheRefresh", Unit.COUNT),
    /**
     * An issuer key lookup that had no usable keys held, or whose token named a key id the held
     * keys lack, and fetched the issuer's keys (a failed fetch that left nothing to answer with
     * too).
     */
    JWKS_CACHE_MISS("JwksCacheMiss", Unit.COUNT),
    /**
     * An issuer key lookup answered from the keys held after a refresh failed: this lookup's own,
     * or, for keys due for refresh, one less than the cooldown (a minute by default) before.
     * Recorded instead of a refresh or a miss.
     */
    JWKS_CACHE_STALE("JwksCacheStale", Unit.COUNT);

    /** The CloudWatch units these metrics use. */
    public enum Unit {
        /** A number of events. */
        COUNT("Count"),
        /** A duration. */
        MILLISECONDS("Milliseconds");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        /** The unit as CloudWatch spells it. */
        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    private final String metricName;
    private final Unit unit;

    Metric(String metricName, Unit unit) {
        this.metricName = metricName;
        this.unit = unit;
    }

    /** The CloudWatch metric name, in PascalCase. */
    public String metricName() {
        return metricName;
    }

    /** The unit its values are in. */
    public Unit unit() {
        return unit;
    }
}
