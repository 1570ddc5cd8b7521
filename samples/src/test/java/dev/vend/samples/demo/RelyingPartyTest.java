// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vend.samples.demo.RelyingParty.VerificationFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relying party against a stand-in Vend: discovery and JWKS served from a local HTTP server,
 * tokens built here with Nimbus.
 */
class RelyingPartyTest {

    private static final String AUDIENCE = "https://demo-api.invalid";
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private static ECKey ecKey;
    private static RSAKey rsaKey;
    private static HttpServer server;
    private static String issuer;
    private static volatile String discoveredIssuer;

    private final RelyingParty relyingParty = new RelyingParty(HttpClient.newHttpClient());

    @BeforeAll
    static void startVendStandIn() throws Exception {
        ecKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        rsaKey = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        String jwks = new JWKSet(List.<JWK>of(ecKey, rsaKey)).toString();
        server.createContext(RelyingParty.DISCOVERY_PATH, exchange -> respond(exchange,
                "{\"issuer\":\"" + discoveredIssuer + "\",\"jwks_uri\":\"" + issuer
                        + "/.well-known/jwks.json\"}"));
        server.createContext("/.well-known/jwks.json", exchange -> respond(exchange, jwks));
        server.start();
    }

    @AfterAll
    static void stopVendStandIn() {
        server.stop(0);
    }

    @BeforeEach
    void discoveryNamesTheIssuer() {
        discoveredIssuer = issuer;
    }

    @Test
    void verifyWhenEs256AccessTokenIsWellFormedThenReturnsItsClaims() throws Exception {
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT, valid().build());

        JWTClaimsSet claims = relyingParty.verify(issuer, AUDIENCE, token);

        assertThat(claims.getSubject()).isEqualTo("oidc:demo-ci:workload-42");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("demo-deploy");
        assertThat(claims.getAudience()).containsExactly(AUDIENCE);
    }

    @Test
    void verifyWhenRs256AccessTokenIsWellFormedThenReturnsItsClaims() throws Exception {
        String token = sign(rsaKey, JWSAlgorithm.RS256, AT_JWT, valid().build());

        assertThat(relyingParty.verify(issuer, AUDIENCE, token).getIssuer()).isEqualTo(issuer);
    }

    @Test
    void verifyWhenAudienceListHoldsTheExpectedOneThenAccepts() throws Exception {
        JWTClaimsSet claims = valid().audience(List.of("https://other.invalid", AUDIENCE)).build();

        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT, claims);

        assertThat(relyingParty.verify(issuer, AUDIENCE, token).getAudience()).contains(AUDIENCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "application/at+jwt", "AT+JWT", "at+jwt2"})
    void verifyWhenTypIsNotExactlyAtJwtThenRefuses(String typ) throws Exception {
        String token = sign(ecKey, JWSAlgorithm.ES256, new JOSEObjectType(typ), valid().build());

        assertRefused(token, "typ must be at+jwt");
    }

    @Test
    void verifyWhenTypIsMissingThenRefuses() throws Exception {
        String token = sign(ecKey, JWSAlgorithm.ES256, null, valid().build());

        assertRefused(token, "typ must be at+jwt");
    }

    @Test
    void verifyWhenIssuerDiffersThenRefuses() throws Exception {
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT,
                valid().issuer("http://localhost:1").build());

        assertRefused(token, "iss");
    }

    @Test
    void verifyWhenAudienceDiffersThenRefuses() throws Exception {
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT,
                valid().audience("https://other-api.invalid").build());

        assertRefused(token, "aud");
    }

    @Test
    void verifyWhenExpiredThenRefuses() throws Exception {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT, valid()
                .issueTime(Date.from(past)).notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(5)))).build());

        assertRefused(token, "Expired JWT");
    }

    @Test
    void verifyWhenIssuedInTheFutureThenRefuses() throws Exception {
        Instant later = Instant.now().plus(Duration.ofMinutes(2));
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT, valid()
                .issueTime(Date.from(later)).build());

        assertRefused(token, "iat is in the future");
    }

    @Test
    void verifyWhenClientIdIsMissingThenRefuses() throws Exception {
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT,
                valid().claim("client_id", null).build());

        assertRefused(token, "client_id");
    }

    @Test
    void verifyWhenSignedWithAnotherKeyUnderAPublishedKidThenRefuses() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(ecKey.getKeyID()).generate();

        String token = sign(stranger, JWSAlgorithm.ES256, AT_JWT, valid().build());

        assertRefused(token, "Invalid signature");
    }

    @Test
    void verifyWhenSignedWithAnUnpublishedKeyThenRefuses() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();

        String token = sign(stranger, JWSAlgorithm.ES256, AT_JWT, valid().build());

        assertRefused(token, "no matching key");
    }

    @Test
    void verifyWhenGivenAWorkloadTokenFromDemoIssuerThenRefuses(@TempDir Path dir)
            throws Exception {
        DemoIssuer.init(dir, issuer);
        String workloadToken = DemoIssuer.mint(dir, AUDIENCE, "workload-42", "refs/heads/main");

        assertRefused(workloadToken, "typ must be at+jwt");
    }

    @Test
    void verifyWhenDiscoveryNamesAnotherIssuerThenRefuses() throws Exception {
        discoveredIssuer = "http://evil.invalid";
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT, valid().build());

        assertRefused(token, "discovery names issuer http://evil.invalid");
    }

    @Test
    void verifyWhenVendIsUnreachableThenRefuses() throws Exception {
        String token = sign(ecKey, JWSAlgorithm.ES256, AT_JWT, valid().build());

        assertThatThrownBy(() -> relyingParty.verify("http://127.0.0.1:1", AUDIENCE, token))
                .isInstanceOf(VerificationFailure.class);
    }

    @Test
    void mainWhenTokenVerifiesThenPrintsEachClaimOnItsOwnLine(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"),
                sign(ecKey, JWSAlgorithm.ES256, AT_JWT, valid().build()) + "\n");
        var out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            RelyingParty.main(new String[] {issuer, AUDIENCE, tokenFile.toString()});
        } finally {
            System.setOut(original);
        }

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).contains(
                "sub: oidc:demo-ci:workload-42", "client_id: demo-deploy", "aud: " + AUDIENCE,
                "iss: " + issuer, "scope: read deploy");
    }

    private void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> relyingParty.verify(issuer, AUDIENCE, token))
                .isInstanceOf(VerificationFailure.class)
                .hasMessageContaining(reason);
    }

    /** The claims of a well-formed Vend access token, issued now for five minutes. */
    private static JWTClaimsSet.Builder valid() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("oidc:demo-ci:workload-42")
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", "demo-deploy")
                .claim("scope", "read deploy")
                .claim("https://vend.dev/workload", Map.of("source", "oidc"));
    }

    private static String sign(JWK key, JWSAlgorithm algorithm, JOSEObjectType type,
            JWTClaimsSet claims) throws JOSEException {
        JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec)
                : new RSASSASigner((RSAKey) key);
        JWSHeader header = new JWSHeader.Builder(algorithm).type(type).keyID(key.getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
