// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A real OpenID Connect issuer for tests: an HTTPS server on {@code 127.0.0.1} with an ephemeral
 * port, whose certificate comes from a {@link TestCa} (by default {@link TestCa#shared()}).
 *
 * <p>Its issuer is {@code https://localhost:<port>} followed by the optional path prefix. It
 * serves {@code GET <issuer>/.well-known/openid-configuration} (OpenID Connect Discovery 1.0 §4,
 * with {@code issuer} and {@code jwks_uri}) and {@code GET <issuer>/.well-known/jwks} (the public
 * JWK set, RFC 7517 §5); every other path answers 404 and every other method 405.
 *
 * <p>It holds signing keys (by default one fresh RSA-2048 key), one of which is the
 * <em>signing key</em> used by {@link #token()}. Keys can be added, removed, switched and
 * rotated at any time; the next JWKS fetch shows the change.
 *
 * <p>Fault switches, each until {@link #clearFaults()}: the {@code issuer} or {@code jwks_uri}
 * written in discovery, a status code, a 302 redirect, a raw body, extra response headers and a
 * response delay. Per endpoint, a delay applies first, then a redirect, then a status, then the
 * body override.
 *
 * <p>Usage:
 * <pre>{@code
 * try (var issuer = TestOidcIssuer.start()) {
 *     var token = issuer.token().subject("repo:acme/app").audience("vend").sign();
 *     var http = issuer.httpClient(); // trusts the issuer's CA
 *     // ... point the code under test at issuer.issuer() ...
 *     assertThat(issuer.jwksFetches()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Thread-safe: requests are served on daemon threads, counters are atomic, and switches may
 * be flipped while requests are in flight.
 */
public final class TestOidcIssuer implements AutoCloseable {

    /** The two endpoints the issuer serves. */
    public enum Endpoint {
        /** {@code <issuer>/.well-known/openid-configuration}. */
        DISCOVERY,
        /** {@code <issuer>/.well-known/jwks}. */
        JWKS
    }

    private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    private static final String JWKS_PATH = "/.well-known/jwks";
    private static final String JSON = "application/json";

    private final TestCa ca;
    private final String pathPrefix;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final String issuer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<Endpoint, AtomicInteger> fetches = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Faults> faults = new ConcurrentHashMap<>();
    private final Set<InetSocketAddress> clients = ConcurrentHashMap.newKeySet();
    private final Object keyLock = new Object();
    private final List<JWK> keys = new ArrayList<>();
    private @Nullable JWK signingKey;
    private volatile @Nullable String issuerOverride;
    private volatile @Nullable String jwksUriOverride;

    private TestOidcIssuer(String pathPrefix, List<? extends JWK> initialKeys, TestCa ca)
            throws IOException {
        this.ca = ca;
        this.pathPrefix = normalizePrefix(pathPrefix);
        for (var endpoint : Endpoint.values()) {
            fetches.put(endpoint, new AtomicInteger());
        }
        clearFaults();
        initialKeys.forEach(this::addKey);

        var address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.serverSslContext()));
        server.createContext("/", this::handle);
        executor = Executors.newCachedThreadPool(runnable -> {
            var thread = new Thread(runnable, "test-oidc-issuer");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        issuer = "https://localhost:" + server.getAddress().getPort() + this.pathPrefix;
    }

    /** Starts an issuer at {@code https://localhost:<port>} with one fresh RSA-2048 key. */
    public static TestOidcIssuer start() {
        return start("");
    }

    /**
     * Starts an issuer at {@code https://localhost:<port><pathPrefix>} with one fresh RSA-2048
     * key.
     *
     * @param pathPrefix for example {@code /tenants/acme}; empty for none
     */
    public static TestOidcIssuer start(String pathPrefix) {
        return start(pathPrefix, List.of(TestKeys.freshRsa2048()));
    }

    /**
     * Starts an issuer with the given keys; the first is the signing key.
     *
     * @param pathPrefix for example {@code /tenants/acme}; empty for none
     * @param keys private keys (public-only keys are published but cannot sign); may be empty
     */
    public static TestOidcIssuer start(String pathPrefix, List<? extends JWK> keys) {
        return start(pathPrefix, keys, TestCa.shared());
    }

    /** Starts an issuer with the given keys whose TLS certificate comes from the given CA. */
    public static TestOidcIssuer start(String pathPrefix, List<? extends JWK> keys, TestCa ca) {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(ca, "ca");
        try {
            return new TestOidcIssuer(pathPrefix, keys, ca);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test OIDC issuer", e);
        }
    }

    /** The issuer identifier, {@code https://localhost:<port>} plus the path prefix. */
    public String issuer() {
        return issuer;
    }

    /** {@link #issuer()} as a URI. */
    public URI issuerUri() {
        return URI.create(issuer);
    }

    /** {@code <issuer>/.well-known/openid-configuration}. */
    public URI discoveryUri() {
        return URI.create(issuer + DISCOVERY_PATH);
    }

    /** {@code <issuer>/.well-known/jwks}: where the JWKS really is, whatever discovery says. */
    public URI jwksUri() {
        return URI.create(issuer + JWKS_PATH);
    }

    /** The ephemeral port on {@code 127.0.0.1}. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The normalised path prefix: empty, or starting with {@code /} and not ending with one. */
    public String pathPrefix() {
        return pathPrefix;
    }

    /** The CA whose certificate this issuer presents. */
    public TestCa ca() {
        return ca;
    }

    /** A new client TLS context trusting only this issuer's CA. */
    public SSLContext sslContext() {
        return ca.clientSslContext();
    }

    /** A new trust store holding only this issuer's CA certificate. */
    public KeyStore trustStore() {
        return ca.trustStore();
    }

    /** A new {@link HttpClient} trusting only this issuer's CA; it does not follow redirects. */
    public HttpClient httpClient() {
        return ca.httpClient();
    }

    // ---- keys

    /** The key {@link #token()} signs with. */
    public JWK signingKey() {
        synchronized (keyLock) {
            if (signingKey == null) {
                throw new IllegalStateException("the issuer has no signing key");
            }
            return signingKey;
        }
    }

    /** All keys, private parts included, in JWKS order. */
    public List<JWK> keys() {
        synchronized (keyLock) {
            return List.copyOf(keys);
        }
    }

    /** The JWK set the JWKS endpoint serves: public parts only. */
    public JWKSet publicJwks() {
        synchronized (keyLock) {
            return new JWKSet(List.copyOf(keys)).toPublicJWKSet();
        }
    }

    /** Publishes the key (after the existing ones). It becomes the signing key if there is none. */
    public void addKey(JWK key) {
        Objects.requireNonNull(key, "key");
        synchronized (keyLock) {
            keys.add(key);
            if (signingKey == null) {
                signingKey = key;
            }
        }
    }

    /** Generates, publishes and returns a fresh RSA-2048 key; the signing key does not change. */
    public RSAKey addRsaKey() {
        var key = TestKeys.freshRsa2048();
        addKey(key);
        return key;
    }

    /** Generates, publishes and returns a fresh EC P-256 key; the signing key does not change. */
    public ECKey addEcKey() {
        var key = TestKeys.freshEcP256();
        addKey(key);
        return key;
    }

    /**
     * Stops publishing every key with this {@code kid}. If the signing key goes, the first
     * remaining key (if any) becomes the signing key.
     *
     * @return whether a key was removed
     */
    public boolean removeKey(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        synchronized (keyLock) {
            var removed = keys.removeIf(key -> keyId.equals(key.getKeyID()));
            if (signingKey != null && !keys.contains(signingKey)) {
                signingKey = keys.isEmpty() ? null : keys.get(0);
            }
            return removed;
        }
    }

    /** Makes the published key with this {@code kid} the signing key. */
    public void useSigningKey(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        synchronized (keyLock) {
            signingKey = keys.stream()
                    .filter(key -> keyId.equals(key.getKeyID()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no key with kid " + keyId));
        }
    }

    /**
     * Replaces every key with one fresh key of the signing key's type (RSA-2048, or EC P-256 if
     * the signing key is EC), which becomes the signing key. Old kids are no longer published.
     *
     * @return the new signing key
     */
    public JWK rotateKeys() {
        synchronized (keyLock) {
            JWK fresh = signingKey instanceof ECKey
                    ? TestKeys.freshEcP256()
                    : TestKeys.freshRsa2048();
            keys.clear();
            keys.add(fresh);
            signingKey = fresh;
            return fresh;
        }
    }

    /**
     * Writes the public JWKS, exactly as the JWKS endpoint serves it now, to the file (creating
     * parent folders) and returns the file.
     */
    public Path writeJwksFile(Path file) {
        try {
            var parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.writeString(file, publicJwks().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    // ---- tokens

    /**
     * A token builder with this issuer's {@code iss}, signing key and its {@code kid}, and the
     * {@link TestTokens#builder()} defaults. Add subject, audience and claims, then sign.
     */
    public TestTokens.Builder token() {
        return token(signingKey());
    }

    /** As {@link #token()}, signing with the given key (published or not). */
    public TestTokens.Builder token(JWK key) {
        return TestTokens.signedWith(key).issuer(issuer);
    }

    /** A signed token from this issuer with the given subject and audience. */
    public String mint(String subject, String audience) {
        return token().subject(subject).audience(audience).sign();
    }

    // ---- counters

    /**
     * Requests received on the discovery path: every one, whatever its method and whatever fault
     * answered it, counted when it arrives (before any delay).
     */
    public int discoveryFetches() {
        return fetches(Endpoint.DISCOVERY);
    }

    /** Requests received on the JWKS path, counted as {@link #discoveryFetches()}. */
    public int jwksFetches() {
        return fetches(Endpoint.JWKS);
    }

    /** Requests received on the endpoint's path. */
    public int fetches(Endpoint endpoint) {
        return fetches.get(endpoint).get();
    }

    /**
     * How many TCP connections requests arrived on: each connection has its own client address
     * and port, so a client that reuses a pooled connection adds none.
     */
    public int connections() {
        return clients.size();
    }

    /** Sets both counters, and the connections seen, to zero. */
    public void resetCounters() {
        fetches.values().forEach(counter -> counter.set(0));
        clients.clear();
    }

    // ---- fault switches

    /** Discovery says this {@code issuer} instead of the real one (null: the real one). */
    public void overrideDiscoveryIssuer(@Nullable String issuer) {
        this.issuerOverride = issuer;
    }

    /** Discovery says this {@code jwks_uri} instead of the real one (null: the real one). */
    public void overrideJwksUri(@Nullable String jwksUri) {
        this.jwksUriOverride = jwksUri;
    }

    /** The endpoint answers this status, with a small JSON error body unless one is overridden. */
    public void failWithStatus(Endpoint endpoint, int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        updateFaults(endpoint, current -> current.withStatus(status));
    }

    /** The endpoint answers {@code 302 Found} with this {@code Location} and no body. */
    public void redirect(Endpoint endpoint, String location) {
        Objects.requireNonNull(location, "location");
        updateFaults(endpoint, current -> current.withRedirect(location));
    }

    /** The endpoint answers with this body, as is, instead of the real document. */
    public void overrideBody(Endpoint endpoint, String body) {
        Objects.requireNonNull(body, "body");
        updateFaults(endpoint, current -> current.withBody(body));
    }

    /** The endpoint adds this response header, e.g. {@code Cache-Control: max-age=60}. */
    public void addResponseHeader(Endpoint endpoint, String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        updateFaults(endpoint, current -> current.withHeader(name, value));
    }

    /** Both endpoints wait this long before answering (after counting the request). */
    public void delayResponses(Duration delay) {
        for (var endpoint : Endpoint.values()) {
            delayResponses(endpoint, delay);
        }
    }

    /** The endpoint waits this long before answering (after counting the request). */
    public void delayResponses(Endpoint endpoint, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        updateFaults(endpoint, current -> current.withDelay(delay));
    }

    /** Turns every fault switch off, including the discovery overrides. Counters stay. */
    public void clearFaults() {
        issuerOverride = null;
        jwksUriOverride = null;
        for (var endpoint : Endpoint.values()) {
            faults.put(endpoint, Faults.NONE);
        }
    }

    /** Stops the server at once. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "TestOidcIssuer[" + issuer + "]";
    }

    // ---- serving

    private void handle(HttpExchange exchange) throws IOException {
        try {
            clients.add(exchange.getRemoteAddress());
            var endpoint = endpointFor(exchange.getRequestURI().getPath());
            if (endpoint == null) {
                send(exchange, 404, "{\"error\":\"not_found\"}");
                return;
            }
            fetches.get(endpoint).incrementAndGet();
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
                return;
            }
            answer(exchange, endpoint, faults.get(endpoint));
        } finally {
            exchange.close();
        }
    }

    private void answer(HttpExchange exchange, Endpoint endpoint, Faults fault)
            throws IOException {
        if (!sleep(fault.delay())) {
            return;
        }
        fault.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        if (fault.redirect() != null) {
            exchange.getResponseHeaders().set("Location", fault.redirect());
            send(exchange, 302, "");
        } else if (fault.status() != 0) {
            var body = fault.body() != null ? fault.body() : "{\"error\":\"test_fault\"}";
            send(exchange, fault.status(), body);
        } else if (fault.body() != null) {
            send(exchange, 200, fault.body());
        } else {
            send(exchange, 200, endpoint == Endpoint.DISCOVERY ? discoveryJson() : jwksJson());
        }
    }

    private @Nullable Endpoint endpointFor(String path) {
        if (path.equals(pathPrefix + DISCOVERY_PATH)) {
            return Endpoint.DISCOVERY;
        }
        if (path.equals(pathPrefix + JWKS_PATH)) {
            return Endpoint.JWKS;
        }
        return null;
    }

    private String discoveryJson() {
        var issuerValue = issuerOverride;
        var jwksUriValue = jwksUriOverride;
        var json = new LinkedHashMap<String, Object>();
        json.put("issuer", issuerValue != null ? issuerValue : issuer);
        json.put("jwks_uri", jwksUriValue != null ? jwksUriValue : jwksUri().toString());
        json.put("response_types_supported", List.of("id_token"));
        json.put("subject_types_supported", List.of("public", "pairwise"));
        json.put("id_token_signing_alg_values_supported", signingAlgorithms());
        json.put("claims_supported", List.of("sub", "aud", "exp", "iat", "iss", "jti", "nbf"));
        return JSONObjectUtils.toJSONString(json);
    }

    private List<String> signingAlgorithms() {
        return keys().stream()
                .map(key -> TestTokens.defaultAlgorithm(key).getName())
                .distinct()
                .toList();
    }

    private String jwksJson() {
        return publicJwks().toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        var noBody = bytes.length == 0 || status < 200 || status == 204 || status == 304;
        if (!noBody) {
            exchange.getResponseHeaders().set("Content-Type", JSON);
        }
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static boolean sleep(Duration delay) {
        if (delay.isZero()) {
            return true;
        }
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            // The server is closing; drop the exchange.
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void updateFaults(Endpoint endpoint, UnaryOperator<Faults> change) {
        Objects.requireNonNull(endpoint, "endpoint");
        faults.compute(endpoint, (key, current) -> change.apply(Objects.requireNonNull(current)));
    }

    private static String normalizePrefix(String prefix) {
        var trimmed = prefix.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return "";
        }
        if (trimmed.contains("?") || trimmed.contains("#") || trimmed.contains(" ")) {
            throw new IllegalArgumentException("bad path prefix: " + prefix);
        }
        return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    /** The fault switches of one endpoint. Immutable. */
    private record Faults(
            int status,
            @Nullable String redirect,
            @Nullable String body,
            Duration delay,
            Map<String, String> headers) {

        static final Faults NONE = new Faults(0, null, null, Duration.ZERO, Map.of());

        Faults withStatus(int newStatus) {
            return new Faults(newStatus, redirect, body, delay, headers);
        }

        Faults withRedirect(String location) {
            return new Faults(status, location, body, delay, headers);
        }

        Faults withBody(String newBody) {
            return new Faults(status, redirect, newBody, delay, headers);
        }

        Faults withDelay(Duration newDelay) {
            return new Faults(status, redirect, body, newDelay, headers);
        }

        Faults withHeader(String name, String value) {
            var copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Faults(status, redirect, body, delay, Map.copyOf(copy));
        }
    }
}
