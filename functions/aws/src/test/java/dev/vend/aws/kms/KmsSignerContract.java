// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.issue.KeyRing;
import dev.vend.issue.KeyState;
import dev.vend.issue.SigningKey;
import dev.vend.issue.SigningKeyConfig;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.IssuedToken;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Entitlement;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * What Vend needs from KMS signing, run against the protocol-level fake here and against
 * LocalStack where Docker exists: a token vended with each algorithm verifies with Nimbus and
 * with the JDK alone against the published JWKS, and its header agrees with the JWKS entry.
 */
abstract class KmsSignerContract {

    static final Duration JWKS_AGE = Duration.ofMinutes(5);

    abstract KmsClient kms();

    abstract String ecKeyArn();

    abstract String rsaKeyArn();

    static VerifiedIdentity identity() {
        return new VerifiedIdentity(IdentitySource.OIDC, "github-actions",
                "https://token.actions.githubusercontent.com", "1001:123",
                Map.of("repository", new AttributeValue.Str("acme/app")),
                Instant.now().plusSeconds(300), "ab".repeat(32));
    }

    static Entitlement entitlement(Duration lifetime) {
        return new Entitlement("gh-deploy", "f".repeat(64), List.of("https://api.example.test"),
                Set.of("read"), lifetime, Map.of());
    }

    KeyRing ring(String activeArn) {
        return ring(kms(), activeArn);
    }

    /** A ring of one active KMS key. */
    static KeyRing ring(KmsClient kms, String activeArn) {
        List<SigningKey> keys = KmsSigningKeys.load(
                List.of(new SigningKeyConfig(activeArn, KeyState.ACTIVE, null)), kms);
        return new KeyRing(keys, JWKS_AGE);
    }

    static IssuedToken issue(KeyRing ring, Clock clock) {
        return new TokenIssuer("https://vend.example.test", ring, clock)
                .issue(identity(), entitlement(Duration.ofMinutes(10)));
    }

    @Test
    void issueWhenEs256KmsKeyThenVerifiesWithNimbusAndJdkAgainstPublishedJwks() throws Exception {
        assertVendedTokenVerifies(ecKeyArn(), "ES256");
    }

    @Test
    void issueWhenRs256KmsKeyThenVerifiesWithNimbusAndJdkAgainstPublishedJwks() throws Exception {
        assertVendedTokenVerifies(rsaKeyArn(), "RS256");
    }

    private void assertVendedTokenVerifies(String arn, String alg) throws Exception {
        KeyRing ring = ring(arn);

        IssuedToken token = issue(ring, Clock.systemUTC());

        SignedJWT jwt = SignedJWT.parse(token.accessToken());
        JWKSet published = JWKSet.parse(ring.published(Instant.now()).toString());
        JWK jwk = published.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwk).isNotNull();
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(alg)
                .isEqualTo(jwk.getAlgorithm().getName());
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jwk.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
        assertThat(jwk.getKeyID()).isEqualTo(jwk.computeThumbprint().toString());
        assertThat(jwk.isPrivate()).isFalse();
        JWSVerifier nimbus = jwk instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                : new ECDSAVerifier((ECKey) jwk);
        assertThat(jwt.verify(nimbus)).isTrue();
        assertThat(verifiesWithJdk(token.accessToken(), jwk.toJSONObject())).isTrue();
    }

    /** JDK-only verification from the JWK's JSON members. */
    static boolean verifiesWithJdk(String token, Map<String, Object> jwk) throws Exception {
        String[] parts = token.split("\\.");
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        PublicKey key;
        Signature verifier;
        if ("RSA".equals(jwk.get("kty"))) {
            key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    unsigned(jwk.get("n")), unsigned(jwk.get("e"))));
            verifier = Signature.getInstance("SHA256withRSA");
        } else {
            var parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                    new ECPoint(unsigned(jwk.get("x")), unsigned(jwk.get("y"))),
                    parameters.getParameterSpec(ECParameterSpec.class)));
            // The JDK's "P1363" format is exactly JOSE's R || S.
            verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            assertThat(signature).hasSize(64);
        }
        verifier.initVerify(key);
        verifier.update(input);
        return verifier.verify(signature);
    }

    private static BigInteger unsigned(Object base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode((String) base64url));
    }
}
