// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestTokensTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void signWhenRsaKeyThenRs256TokenVerifiesWithNimbus() throws Exception {
        var key = TestKeys.rsa2048();

        var jwt = SignedJWT.parse(TestTokens.signedWith(key).subject("s").sign());

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
    }

    @Test
    void signWhenEcKeyThenEs256TokenVerifiesWithNimbus() throws Exception {
        var key = TestKeys.ecP256();

        var jwt = SignedJWT.parse(TestTokens.builder().sign(key));

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.verify(new ECDSAVerifier(key.toECPublicKey()))).isTrue();
    }

    @Test
    void signWhenPs256RequestedThenPssTokenVerifiesWithNimbus() throws Exception {
        var key = TestKeys.rsa2048();

        var jwt = TestTokens.signedWith(key).algorithm(JWSAlgorithm.PS256).signedJwt();

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.PS256);
        assertThat(jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
    }

    @Test
    void signWhenOtherKeyVerifiesThenSignatureRejected() throws Exception {
        var jwt = TestTokens.signedWith(TestKeys.rsa2048(0)).signedJwt();

        assertThat(jwt.verify(new RSASSAVerifier(TestKeys.rsa2048(1).toRSAPublicKey()))).isFalse();
    }

    @Test
    void signWhenStandardClaimsSetThenPresentWithClockTimes() throws Exception {
        var jwt = TestTokens.signedWith(TestKeys.ecP256())
                .clock(CLOCK)
                .lifetime(Duration.ofMinutes(10))
                .notBeforeIssuedAt()
                .issuer("https://issuer.example")
                .subject("repo:acme/app")
                .audience("vend")
                .jwtId("jti-1")
                .signedJwt();

        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://issuer.example");
        assertThat(claims.getSubject()).isEqualTo("repo:acme/app");
        assertThat(jwt.getPayload().toString()).contains("\"aud\":\"vend\"");
        assertThat(claims.getJWTID()).isEqualTo("jti-1");
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
        assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(NOW));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(600)));
    }

    @Test
    void signWhenDefaultsThenIatExpAndRandomJtiButNoNbf() throws Exception {
        var first = TestTokens.signedWith(TestKeys.ecP256()).clock(CLOCK).signedJwt();
        var second = TestTokens.signedWith(TestKeys.ecP256()).clock(CLOCK).signedJwt();

        var claims = first.getJWTClaimsSet();
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(300)));
        assertThat(claims.getNotBeforeTime()).isNull();
        assertThat(claims.getJWTID()).isNotBlank()
                .isNotEqualTo(second.getJWTClaimsSet().getJWTID());
        assertThat(first.getHeader().getType().getType()).isEqualTo("JWT");
    }

    @Test
    void signWhenExplicitInstantsThenThoseTimes() throws Exception {
        var claims = TestTokens.signedWith(TestKeys.ecP256())
                .issuedAt(NOW.minusSeconds(60))
                .notBefore(NOW.minusSeconds(30))
                .expiresAt(NOW.plusSeconds(30))
                .signedJwt()
                .getJWTClaimsSet();

        assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW.minusSeconds(60)));
        assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(NOW.minusSeconds(30)));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(30)));
    }

    @Test
    void signWhenAudienceListThenJsonArrayEvenWithOneElement() throws Exception {
        var one = TestTokens.signedWith(TestKeys.ecP256()).audiences("a").signedJwt();
        var two = TestTokens.signedWith(TestKeys.ecP256()).audience(List.of("a", "b")).signedJwt();

        assertThat(one.getPayload().toString()).contains("\"aud\":[\"a\"]");
        assertThat(two.getJWTClaimsSet().getAudience()).containsExactly("a", "b");
    }

    @Test
    void signWhenExtraClaimsOfAnyJsonTypeThenKept() throws Exception {
        var token = TestTokens.signedWith(TestKeys.ecP256())
                .claim("nested", Map.of("a", List.of(1, Map.of("b", true))))
                .claim("nothing", null)
                .claim("flag", false)
                .claim("big", 12_345_678_901L)
                .claim("at", NOW)
                .claims(Map.of("exp", "tomorrow"))
                .sign();

        var payload = payloadOf(token);
        assertThat(payload).contains("\"nested\":{\"a\":[1,{\"b\":true}]}")
                .contains("\"nothing\":null")
                .contains("\"flag\":false")
                .contains("\"big\":12345678901")
                .contains("\"at\":" + NOW.getEpochSecond())
                .contains("\"exp\":\"tomorrow\"");
    }

    @Test
    void signWhenClaimsOmittedThenAbsent() throws Exception {
        var claims = TestTokens.signedWith(TestKeys.ecP256())
                .subject("s")
                .withoutClaim("exp")
                .withoutClaim("jti")
                .withoutClaim("sub")
                .signedJwt()
                .getJWTClaimsSet();

        assertThat(claims.getClaims()).containsOnlyKeys("iat");
    }

    @Test
    void signWhenHeaderParametersSetThenInHeader() throws Exception {
        var key = TestKeys.rsa2048();

        var jwt = TestTokens.signedWith(key)
                .type("at+jwt")
                .keyId("other-kid")
                .critical("vend-test")
                .header("vend-test", "yes")
                .header("x-number", 7)
                .signedJwt();

        var header = jwt.getHeader();
        assertThat(header.getType().getType()).isEqualTo("at+jwt");
        assertThat(header.getKeyID()).isEqualTo("other-kid");
        assertThat(header.getCriticalParams()).containsExactly("vend-test");
        assertThat(header.getCustomParam("vend-test")).isEqualTo("yes");
        assertThat(header.getCustomParam("x-number")).isEqualTo(7L);
        var verifier = new RSASSAVerifier(key.toRSAPublicKey(), Set.of("vend-test"));
        assertThat(jwt.verify(verifier)).isTrue();
    }

    @Test
    void signWhenHeadersOmittedThenNoKidNoTyp() throws Exception {
        var header = TestTokens.signedWith(TestKeys.ecP256())
                .withoutHeader("kid")
                .withoutHeader("typ")
                .headerJson();

        assertThat(header).isEqualTo("{\"alg\":\"ES256\"}");
    }

    @Test
    void signWhenHeaderAlgOverriddenThenHeaderLiesButSignatureIsReal() throws Exception {
        var key = TestKeys.ecP256();

        var token = TestTokens.signedWith(key).header("alg", "none").sign();

        var parts = token.split("\\.");
        assertThat(decode(parts[0])).startsWith("{\"alg\":\"none\"");
        assertThat(verifyRaw(token, new ECDSAVerifier(key.toECPublicKey()), JWSAlgorithm.ES256))
                .isTrue();
    }

    @Test
    void signWhenNoKeyThenIllegalState() {
        assertThatThrownBy(() -> TestTokens.builder().sign())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no signing key");
    }

    @Test
    void signWhenPublicKeyOnlyThenRefused() {
        var publicOnly = TestKeys.rsa2048().toPublicJWK();

        assertThatThrownBy(() -> TestTokens.signedWith(publicOnly).sign())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no private part");
    }

    @Test
    void signWhenWeakRsaKeyThenStillSigned() throws Exception {
        var weak = TestKeys.freshRsa(1024);

        var token = TestTokens.signedWith(weak).sign();

        var verifier = new RSASSAVerifier(weak.toRSAPublicKey());
        assertThat(verifyRaw(token, verifier, JWSAlgorithm.RS256)).isTrue();
    }

    @Test
    void signRawWhenDuplicateMembersThenExactJsonKeptAndSignatureValid() throws Exception {
        var key = TestKeys.rsa2048();
        var header = "{\"alg\":\"RS256\",\"alg\":\"none\" , \"kid\":1}";
        var payload = "{\"sub\":\"a\",\"sub\":\"b\",\"deep\":[[[[[[{}]]]]]],\"exp\":\"soon\"}";

        var token = TestTokens.signRaw(header, payload, key);

        var parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(decode(parts[0])).isEqualTo(header);
        assertThat(decode(parts[1])).isEqualTo(payload);
        var verifier = new RSASSAVerifier(key.toRSAPublicKey());
        assertThat(verifyRaw(token, verifier, JWSAlgorithm.RS256)).isTrue();
    }

    @Test
    void signRawWhenEcKeyThenEs256SignatureOverExactBytes() throws Exception {
        var key = TestKeys.ecP256();
        var header = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";
        var payload = "{\"iss\":\"x\"}";

        var token = TestTokens.signRaw(header, payload, key);

        var jws = JWSObject.parse(token);
        assertThat(jws.getHeader().getParsedBase64URL().decodeToString()).isEqualTo(header);
        assertThat(jws.verify(new ECDSAVerifier(key.toECPublicKey()))).isTrue();
        assertThat(Base64URL.from(token.split("\\.")[2]).decode()).hasSize(64);
    }

    @Test
    void signRawWhenAlgorithmGivenThenUsedWhateverHeaderSays() throws Exception {
        var key = TestKeys.rsa2048();

        var token = TestTokens.signRaw("{\"alg\":\"RS256\"}", "{}", key, JWSAlgorithm.PS256);

        var verifier = new RSASSAVerifier(key.toRSAPublicKey());
        assertThat(verifyRaw(token, verifier, JWSAlgorithm.PS256)).isTrue();
        assertThat(verifyRaw(token, verifier, JWSAlgorithm.RS256)).isFalse();
    }

    @Test
    void defaultAlgorithmWhenKeyHasNoAlgThenByType() throws Exception {
        var bare = JWK.parse(Map.of("kty", "EC", "crv", "P-256",
                "x", TestKeys.ecP256().getX().toString(),
                "y", TestKeys.ecP256().getY().toString()));

        assertThat(TestTokens.defaultAlgorithm(bare)).isEqualTo(JWSAlgorithm.ES256);
    }

    private static String payloadOf(String token) {
        return decode(token.split("\\.")[1]);
    }

    private static String decode(String part) {
        return new String(Base64URL.from(part).decode(), StandardCharsets.UTF_8);
    }

    /** Verifies header.payload directly, so headers Nimbus would refuse to parse do not matter. */
    private static boolean verifyRaw(String token, JWSVerifier verifier, JWSAlgorithm algorithm)
            throws Exception {
        var dot = token.lastIndexOf('.');
        var signingInput = token.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
        var signature = Base64URL.from(token.substring(dot + 1));
        return verifier.verify(new JWSHeader(algorithm), signingInput, signature);
    }
}
