// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.metrics.Metrics;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** The key caches of every registered issuer, built once at start. Thread-safe. */
public final class IssuerKeys {

    private final Map<String, JwksCache> caches;

    private IssuerKeys(Map<String, JwksCache> caches) {
        this.caches = Map.copyOf(caches);
    }

    /**
     * One cache per issuer entry; static JWKS files are read now, so a bad file fails start, and
     * so does a Java runtime with the ECDSA flaw of CVE-2022-21449.
     */
    public static IssuerKeys forRegistry(IssuerRegistry registry, HttpsFetcher fetcher,
            Clock clock, JwksCache.Timing timing) {
        return forRegistry(registry, fetcher, clock, timing, Metrics.none());
    }

    /**
     * One cache per issuer entry, as {@link #forRegistry(IssuerRegistry, HttpsFetcher, Clock,
     * JwksCache.Timing)}, each recording its lookups and fetches into {@code metrics}.
     */
    public static IssuerKeys forRegistry(IssuerRegistry registry, HttpsFetcher fetcher,
            Clock clock, JwksCache.Timing timing, Metrics metrics) {
        JoseVerifiers.requirePatchedRuntime(Runtime.version());
        return new IssuerKeys(registry.entries().stream().collect(Collectors.toMap(
                IssuerConfig::id,
                entry -> new JwksCache(entry, fetcher, clock, timing, metrics),
                (a, b) -> a)));
    }

    /** The cache of one registered issuer. */
    public JwksCache forIssuer(IssuerConfig issuer) {
        return Objects.requireNonNull(caches.get(issuer.id()), () -> "no keys for " + issuer.id());
    }

    /** Every cache by issuer id, for restore hooks and metrics. */
    public Map<String, JwksCache> all() {
        return caches.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

}
