// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.testsupport.TestOidcIssuer.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestOidcIssuerTest {

    private static TestOidcIssuer issuer;
    private static HttpClient http;

    @BeforeAll
    static void startIssuer() {
        issuer = TestOidcIssuer.start();
        http = issuer.httpClient();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    @BeforeEach
    void reset() {
        issuer.clearFaults();
        issuer.resetCounters();
    }

    @Test
    void issuerWhenStartedThenHttpsLocalhostOnEphemeralPort() {
        assertThat(issuer.issuer()).isEqualTo("https://localhost:" + issuer.port());
        assertThat(issuer.port()).isPositive().isNotEqualTo(8080).isNotEqualTo(443);
        assertThat(issuer.discoveryUri().toString())
                .isEqualTo(issuer.issuer() + "/.well-known/openid-configuration");
    }

    @Test
    void discoveryWhenFetchedOverHttpsThenIssuerAndJwksUri() throws Exception {
        var response = get(issuer.discoveryUri());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        var json = JSONObjectUtils.parse(response.body());
        assertThat(json).containsEntry("issuer", issuer.issuer())
                .containsEntry("jwks_uri", issuer.jwksUri().toString());
        assertThat(issuer.discoveryFetches()).isEqualTo(1);
        assertThat(issuer.jwksFetches()).isZero();
    }

    @Test
    void jwksWhenFetchedThenPublicKeysOnlyAndTokensVerify() throws Exception {
        var token = issuer.mint("repo:acme/app", "vend");

        var response = get(issuer.jwksUri());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\"d\"").doesNotContain("\"p\"");
        var jwks = JWKSet.parse(response.body());
        var jwt = SignedJWT.parse(token);
        var key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(issuer.issuer());
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("vend");
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void fetchesWhenConcurrentThenEveryOneCounted() {
        var requests = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 20; i++) {
            var request = HttpRequest.newBuilder(issuer.jwksUri()).build();
            requests.add(http.sendAsync(request, BodyHandlers.ofString()));
        }

        requests.forEach(CompletableFuture::join);

        assertThat(issuer.jwksFetches()).isEqualTo(20);
        assertThat(issuer.fetches(Endpoint.DISCOVERY)).isZero();
    }

    @Test
    void discoveryWhenIssuerOverriddenThenMismatchServed() throws Exception {
        issuer.overrideDiscoveryIssuer("https://evil.example");
        issuer.overrideJwksUri("https://evil.example/keys");

        var json = JSONObjectUtils.parse(get(issuer.discoveryUri()).body());

        assertThat(json).containsEntry("issuer", "https://evil.example")
                .containsEntry("jwks_uri", "https://evil.example/keys");
    }

    @Test
    void endpointWhenStatusSwitchOnThenThatStatus() throws Exception {
        issuer.failWithStatus(Endpoint.JWKS, 503);

        assertThat(get(issuer.jwksUri()).statusCode()).isEqualTo(503);
        assertThat(get(issuer.discoveryUri()).statusCode()).isEqualTo(200);
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void endpointWhenRedirectSwitchOnThen302WithLocation() throws Exception {
        issuer.redirect(Endpoint.DISCOVERY, "https://elsewhere.example/.well-known/x");

        var response = get(issuer.discoveryUri());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValue("https://elsewhere.example/.well-known/x");
    }

    @Test
    void endpointWhenBodyAndHeaderOverriddenThenServedAsIs() throws Exception {
        issuer.overrideBody(Endpoint.JWKS, "{\"keys\":");
        issuer.addResponseHeader(Endpoint.JWKS, "Cache-Control", "max-age=60");

        var response = get(issuer.jwksUri());

        assertThat(response.body()).isEqualTo("{\"keys\":");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("max-age=60");
    }

    @Test
    void endpointWhenDelayedThenAnswersAfterDelay() throws Exception {
        issuer.delayResponses(Duration.ofMillis(400));

        var started = System.nanoTime();
        var response = get(issuer.jwksUri());
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void endpointWhenDelayExceedsClientTimeoutThenClientTimesOutButFetchCounted() {
        issuer.delayResponses(Endpoint.JWKS, Duration.ofSeconds(2));
        var request = HttpRequest.newBuilder(issuer.jwksUri())
                .timeout(Duration.ofMillis(200))
                .build();

        assertThatThrownBy(() -> http.send(request, BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void clearFaultsWhenCalledThenNormalAnswersAgain() throws Exception {
        issuer.failWithStatus(Endpoint.DISCOVERY, 500);
        issuer.overrideDiscoveryIssuer("https://evil.example");

        issuer.clearFaults();

        var response = get(issuer.discoveryUri());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(response.body())).containsEntry("issuer", issuer.issuer());
    }

    @Test
    void unknownPathWhenFetchedThen404AndNotCounted() throws Exception {
        var response = get(URI.create(issuer.issuer() + "/nope"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(issuer.discoveryFetches() + issuer.jwksFetches()).isZero();
    }

    @Test
    void postWhenSentThen405() throws Exception {
        var request = HttpRequest.newBuilder(issuer.jwksUri())
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();

        assertThat(http.send(request, BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void clientWhenNotTrustingTestCaThenHandshakeFails() {
        var untrusting = HttpClient.newBuilder().sslContext(TestCa.create().clientSslContext())
                .build();
        var request = HttpRequest.newBuilder(issuer.discoveryUri()).build();

        assertThatThrownBy(() -> untrusting.send(request, BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void pathPrefixWhenGivenThenInIssuerAndEndpoints() throws Exception {
        try (var tenant = TestOidcIssuer.start("tenants/acme/")) {
            assertThat(tenant.issuer())
                    .isEqualTo("https://localhost:" + tenant.port() + "/tenants/acme");

            var json = JSONObjectUtils.parse(get(tenant.discoveryUri()).body());

            assertThat(json).containsEntry("issuer", tenant.issuer())
                    .containsEntry("jwks_uri", tenant.issuer() + "/.well-known/jwks");
            assertThat(get(URI.create(tenant.issuer().replace("/tenants/acme", "")
                    + "/.well-known/openid-configuration")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void keysWhenAddedSwitchedAndRemovedThenJwksFollows() throws Exception {
        try (var keyed = TestOidcIssuer.start("", List.of(TestKeys.freshEcP256()))) {
            var first = keyed.signingKey();
            var added = keyed.addRsaKey();
            assertThat(kids(keyed)).containsExactly(first.getKeyID(), added.getKeyID());
            assertThat(keyed.signingKey()).isEqualTo(first);

            keyed.useSigningKey(added.getKeyID());
            var jwt = keyed.token().signedJwt();
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(added.getKeyID());

            assertThat(keyed.removeKey(first.getKeyID())).isTrue();
            assertThat(kids(keyed)).containsExactly(added.getKeyID());
        }
    }

    @Test
    void rotateKeysWhenCalledThenOnlyNewKeyPublished() throws Exception {
        try (var rotating = TestOidcIssuer.start("", List.of(TestKeys.freshEcP256()))) {
            var old = rotating.signingKey();

            var fresh = rotating.rotateKeys();

            assertThat(fresh).isInstanceOf(ECKey.class);
            assertThat(kids(rotating)).containsExactly(fresh.getKeyID());
            var jwt = rotating.token().signedJwt();
            assertThat(jwt.getHeader().getKeyID())
                    .isEqualTo(fresh.getKeyID())
                    .isNotEqualTo(old.getKeyID());
            assertThat(jwt.verify(new ECDSAVerifier((ECKey) fresh))).isTrue();
        }
    }

    @Test
    void writeJwksFileWhenCalledThenPublicSetOnDisk(@TempDir Path dir) throws Exception {
        var file = issuer.writeJwksFile(dir.resolve("sub/jwks.json"));

        var written = JWKSet.parse(Files.readString(file));

        assertThat(written.getKeys()).hasSize(1);
        assertThat(written.getKeys().get(0).isPrivate()).isFalse();
        assertThat(written.getKeys().get(0).getKeyID()).isEqualTo(issuer.signingKey().getKeyID());
    }

    @Test
    void closeWhenCalledThenPortRefuses() {
        var closing = TestOidcIssuer.start();
        var uri = closing.discoveryUri();

        closing.close();
        closing.close();

        assertThatThrownBy(() -> closing.httpClient().send(HttpRequest.newBuilder(uri).build(),
                BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    private static List<String> kids(TestOidcIssuer target) throws Exception {
        var body = get(target.jwksUri()).body();
        return JWKSet.parse(body).getKeys().stream().map(key -> key.getKeyID()).toList();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
    }
}
