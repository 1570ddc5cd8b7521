// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.vend.RestoreAware;
import dev.vend.metrics.Metric;
import dev.vend.metrics.Metrics;
import dev.vend.parse.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification keys of one issuer. A static file is read once at start; remote keys are
 * fetched on first use, refreshed periodically so a key the issuer removed stops being trusted,
 * refreshed early when a token names an unknown {@code kid} (at most once per cooldown, so a flood
 * of random ids makes one fetch), and kept for a bounded time when a refresh fails, after which
 * verification fails closed. A {@code jwks_uri} read from discovery must be on the issuer's own
 * origin (host and port). A member of the key set that can not be parsed is skipped and logged,
 * without disabling the others. Only public signature keys that fit the token's algorithm are
 * candidates, and RSA keys only from 2048 bits.
 *
 * <p>Each lookup that answers records one cache outcome into the request's {@link Metrics}, and
 * each fetch its duration ({@link Metric#JWKS_FETCH_LATENCY}). The outcome is counted once the
 * lookup knows whether it fetched: {@link Metric#JWKS_CACHE_HIT} when the held keys answered
 * without a fetch; {@link Metric#JWKS_CACHE_REFRESH} when they were due and were refetched;
 * {@link Metric#JWKS_CACHE_MISS} when there were none usable, or they lacked the token's
 * {@code kid}, and a fetch was made; {@link Metric#JWKS_CACHE_STALE} when a refresh failed and
 * the held keys answered (including due keys answering within the cooldown of a refresh that
 * failed). A lookup that fails records a miss if it fetched, and no outcome if it did not.
 * Thread-safe.
 */
public final class JwksCache implements RestoreAware {

    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    private static final Json.Reader JSON = Json.reader();
    /**
     * RSA keys shorter than this never verify (RFC 7518 §3.3 requires 2048 bits or more); the
     * JDK verifier would accept any size, and a factored 1024-bit issuer key forges any token.
     */
    static final int MIN_RSA_BITS = 2048;

    private final IssuerConfig issuer;
    private final HttpsFetcher fetcher;
    private final Clock clock;
    private final Timing timing;
    private final Metrics metrics;

    private @Nullable JWKSet keys;
    private Instant fetchedAt = Instant.MIN;
    private Instant lastAttempt = Instant.MIN;

    /**
     * How often keys are refreshed and how long stale keys may serve.
     *
     * @param refreshInterval keys older than this are refetched before use
     * @param unknownKeyCooldown the least time between two refetches
     * @param maxStale how long the last good keys serve while refreshes fail
     */
    public record Timing(Duration refreshInterval, Duration unknownKeyCooldown, Duration maxStale) {
        /** Ten-minute refresh, one-minute cooldown, one hour of stale keys at most. */
        public static Timing defaults() {
            return new Timing(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofHours(1));
        }
    }

    /** The key cache of one issuer, recording no metrics. */
    public JwksCache(IssuerConfig issuer, HttpsFetcher fetcher, Clock clock, Timing timing) {
        this(issuer, fetcher, clock, timing, Metrics.none());
    }

    /** The key cache of one issuer, recording its cache outcomes and fetches into metrics. */
    public JwksCache(IssuerConfig issuer, HttpsFetcher fetcher, Clock clock, Timing timing,
            Metrics metrics) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (issuer.keySource() instanceof KeySource.JwksFile file) {
            this.keys = readFile(file);
        }
    }

    /**
     * Forgets remote keys and when they were fetched or last tried, so the first token after a
     * SnapStart restore fetches them again (field case BUG-26: JWKS freshness is never carried
     * across a restore). Keys read from a static JWKS file are configuration and stay.
     */
    @Override
    public synchronized void afterRestore() {
        if (!(issuer.keySource() instanceof KeySource.JwksFile)) {
            keys = null;
        }
        fetchedAt = Instant.MIN;
        lastAttempt = Instant.MIN;
    }

    /** The fetch and attempt times held, or {@value RestoreAware#NOTHING_CAPTURED}. */
    @Override
    public synchronized String restoreState() {
        if (fetchedAt.equals(Instant.MIN) && lastAttempt.equals(Instant.MIN)) {
            return NOTHING_CAPTURED;
        }
        return "jwks of issuer " + issuer.id() + ": fetched_at=" + fetchedAt
                + " last_attempt=" + lastAttempt;
    }

    /**
     * Keys that may verify a token with this {@code kid} and algorithm. An empty {@code kid} is
     * treated as absent, and then every suitable key is a candidate.
     *
     * @throws VendingFailure if no keys are known and none can be fetched
     */
    public List<JWK> candidates(@Nullable String kid, JWSAlgorithm alg) {
        String lookup = kid == null || kid.isEmpty() ? null : kid;
        var attempts = new Attempts();
        boolean answered = false;
        try {
            List<JWK> found = select(current(attempts), lookup, alg);
            if (found.isEmpty() && lookup != null) {
                JWKSet refreshed = refreshIfAllowed(attempts);
                found = refreshed == null ? found : select(refreshed, lookup, alg);
            }
            answered = true;
            return found;
        } finally {
            Metric outcome = attempts.outcome(answered);
            if (outcome != null) {
                metrics.count(outcome);
            }
        }
    }

    /**
     * What one lookup fetched, and so which cache outcome it records: none fetched, {@code HIT}
     * (or {@code STALE} when the held keys were due and a refresh failed less than the cooldown
     * ago); a fetch, {@code REFRESH} or {@code MISS} for why it was made, or {@code STALE} when
     * every fetch failed and the held keys answered. A lookup that fails records {@code MISS} if
     * it fetched, and nothing if it did not. Confined to the lookup's thread.
     */
    private static final class Attempts {

        private @Nullable Metric fetchedFor;
        private boolean anyFetched;
        private boolean heldKeysDue;

        void fetched(Metric reason, boolean succeeded) {
            if (fetchedFor == null) {
                fetchedFor = reason;
            }
            anyFetched |= succeeded;
        }

        @Nullable Metric outcome(boolean answered) {
            if (fetchedFor == null) {
                return !answered ? null
                        : heldKeysDue ? Metric.JWKS_CACHE_STALE : Metric.JWKS_CACHE_HIT;
            }
            return answered && !anyFetched ? Metric.JWKS_CACHE_STALE : fetchedFor;
        }
    }

    /**
     * Refetches for an unknown {@code kid} unless the cooldown forbids it. The check and the
     * refetch hold one lock, so concurrent tokens with unknown kids make one fetch, not one each.
     *
     * @return the keys held after the refetch, or {@code null} when none was made
     */
    private synchronized @Nullable JWKSet refreshIfAllowed(Attempts attempts) {
        if (!refreshAllowed()) {
            return null;
        }
        attempts.fetched(Metric.JWKS_CACHE_MISS, refresh());
        return keys == null ? new JWKSet() : keys;
    }

    /**
     * The keys a lookup starts from: held fresh, or refetched first when they are due or there
     * are none (unless the cooldown forbids a fetch).
     */
    private synchronized JWKSet current(Attempts attempts) {
        if (issuer.keySource() instanceof KeySource.JwksFile) {
            return Objects.requireNonNull(keys);
        }
        Instant now = clock.instant();
        if (!usable(now) || now.isAfter(fetchedAt.plus(timing.refreshInterval()))) {
            Metric reason = usable(now) ? Metric.JWKS_CACHE_REFRESH : Metric.JWKS_CACHE_MISS;
            if (refreshAllowed()) {
                attempts.fetched(reason, refresh());
            } else {
                attempts.heldKeysDue = true;
            }
        }
        if (!usable(now)) {
            throw VendingFailure.transientFailure(
                    "no current keys for issuer " + issuer.id(), null);
        }
        return Objects.requireNonNull(keys);
    }

    /** Whether keys are held and younger than the stale limit. */
    private boolean usable(Instant now) {
        return keys != null && !now.isAfter(fetchedAt.plus(timing.maxStale()));
    }

    private synchronized boolean refreshAllowed() {
        if (issuer.keySource() instanceof KeySource.JwksFile) {
            return false;
        }
        return !clock.instant().isBefore(lastAttempt.plus(timing.unknownKeyCooldown()));
    }

    /** Fetches the keys; on failure keeps those held. Whether the fetch succeeded. */
    private synchronized boolean refresh() {
        lastAttempt = clock.instant();
        try (Metrics.Timer fetch = metrics.timer(Metric.JWKS_FETCH_LATENCY)) {
            URI jwksUri = jwksUri();
            keys = parseKeys(new String(fetcher.get(jwksUri, issuer.allowPrivateNetwork()),
                    StandardCharsets.UTF_8), issuer.id());
            fetchedAt = clock.instant();
            return true;
        } catch (HttpsFetcher.FetchException | java.text.ParseException e) {
            LOG.warn("key refresh failed for issuer {}: {}", issuer.id(), e.getMessage());
            return false;
        }
    }

    private URI jwksUri() throws HttpsFetcher.FetchException {
        if (issuer.keySource() instanceof KeySource.JwksUri configured) {
            return configured.uri();
        }
        URI discovery = URI.create(
                stripSlash(issuer.issuer()) + "/.well-known/openid-configuration");
        JsonNode document = readJson(fetcher.get(discovery, issuer.allowPrivateNetwork()));
        JsonNode named = document.get("issuer");
        if (named == null || !named.isTextual() || !issuer.issuer().equals(named.asText())) {
            throw new HttpsFetcher.FetchException("discovery document of " + issuer.id()
                    + " names another issuer");
        }
        JsonNode jwks = document.get("jwks_uri");
        URI uri = parseUri(jwks != null && jwks.isTextual() ? jwks.asText() : "");
        HttpsFetcher.checkUri(uri);
        if (!sameOrigin(uri, discovery)) {
            throw new HttpsFetcher.FetchException("jwks_uri of " + issuer.id()
                    + " is not on the issuer's host and port");
        }
        return uri;
    }

    private static URI parseUri(String text) throws HttpsFetcher.FetchException {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new HttpsFetcher.FetchException("jwks_uri is not a URL");
        }
    }

    /**
     * Whether the JWKS is served by the issuer's own origin: the same host (in any letter case)
     * and the same port. Another port of the issuer's host is another service, not the issuer.
     */
    private static boolean sameOrigin(URI jwks, URI discovery) {
        return jwks.getHost().equalsIgnoreCase(discovery.getHost())
                && effectivePort(jwks) == effectivePort(discovery);
    }

    private static int effectivePort(URI httpsUri) {
        return httpsUri.getPort() == -1 ? 443 : httpsUri.getPort();
    }

    private static JsonNode readJson(byte[] bytes) throws HttpsFetcher.FetchException {
        try {
            JsonNode document = JSON.read(bytes);
            if (document == null || !document.isObject()) {
                throw new HttpsFetcher.FetchException("discovery document is not a JSON object");
            }
            return document;
        } catch (IOException e) {
            throw new HttpsFetcher.FetchException("discovery document is not JSON");
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private JWKSet readFile(KeySource.JwksFile file) {
        try {
            return parseKeys(Files.readString(file.path(), StandardCharsets.UTF_8), issuer.id());
        } catch (IOException | java.text.ParseException e) {
            throw new InvalidConfigurationException(
                    List.of("JWKS file " + file.path() + " can not be read: " + e.getMessage()));
        }
    }

    /**
     * Parses a JWK Set (RFC 7517 §5) key by key. {@code JWKSet.parse} refuses the whole set when
     * one member is malformed, so one bad key an issuer publishes (a truncated modulus, a point
     * off its curve) would make every good key of that issuer unusable too. Here each member that
     * Nimbus can not parse is skipped with one warning naming the issuer and the member's
     * {@code kid}, never its content; the set is refused only when it is not a JWK Set at all or
     * when it has members and none of them parses.
     *
     * @throws java.text.ParseException if the text is not a JWK Set or no member parses
     */
    static JWKSet parseKeys(String text, String issuerId) throws java.text.ParseException {
        Map<String, Object> document = JSONObjectUtils.parse(text);
        List<Object> members = JSONObjectUtils.getJSONArray(document, "keys");
        if (members == null) {
            throw new java.text.ParseException("no \"keys\" array", 0);
        }
        var parsed = new ArrayList<JWK>();
        for (Object member : members) {
            JWK key = parseKey(member);
            if (key == null) {
                LOG.warn("issuer {}: skipped a JWK that can not be parsed, kid {}", issuerId,
                        kidOf(member));
            } else {
                parsed.add(key);
            }
        }
        if (parsed.isEmpty() && !members.isEmpty()) {
            throw new java.text.ParseException("none of the " + members.size() + " keys parses", 0);
        }
        return new JWKSet(parsed);
    }

    @SuppressWarnings("unchecked")
    private static @Nullable JWK parseKey(Object member) {
        if (!(member instanceof Map<?, ?> object)) {
            return null;
        }
        try {
            return JWK.parse((Map<String, Object>) object);
        } catch (java.text.ParseException | RuntimeException e) {
            // Nimbus reports most defects as ParseException, some (an unknown curve, say) as
            // unchecked exceptions; either way this one key is unusable, the others are not.
            return null;
        }
    }

    /** The member's kid for the log: a short string, or a placeholder; never other content. */
    private static String kidOf(Object member) {
        if (member instanceof Map<?, ?> object && object.get("kid") instanceof String kid
                && kid.length() <= 128 && kid.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return kid;
        }
        return "(none)";
    }

    private static int modulusBits(RSAKey key) {
        return new BigInteger(1, key.getModulus().decode()).bitLength();
    }

    static List<JWK> select(JWKSet set, @Nullable String kid, JWSAlgorithm alg) {
        return set.getKeys().stream()
                .filter(key -> kid == null || kid.equals(key.getKeyID()))
                .filter(key -> !key.isPrivate())
                .filter(key -> suits(key, alg))
                .toList();
    }

    private static boolean suits(JWK key, JWSAlgorithm alg) {
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return false;
        }
        if (key.getKeyOperations() != null
                && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return false;
        }
        if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
            return false;
        }
        if (JWSAlgorithm.Family.RSA.contains(alg)) {
            return key instanceof RSAKey rsa && modulusBits(rsa) >= MIN_RSA_BITS;
        }
        if (JWSAlgorithm.ES256.equals(alg)) {
            return key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
        }
        if (JWSAlgorithm.ES384.equals(alg)) {
            return key instanceof ECKey ec && Curve.P_384.equals(ec.getCurve());
        }
        return false;
    }
}
