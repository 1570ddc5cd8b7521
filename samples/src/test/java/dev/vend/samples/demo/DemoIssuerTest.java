// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoIssuerTest {

    private static final String VEND = "http://localhost:41234";

    @TempDir
    Path dir;

    @BeforeEach
    void init() throws Exception {
        DemoIssuer.init(dir, VEND);
    }

    @Test
    void initWhenRunThenPublishesOnlyThePublicKey() throws Exception {
        JWKSet published = JWKSet.load(dir.resolve(DemoIssuer.JWKS_FILE).toFile());
        ECKey key = ECKey.parse(Files.readString(dir.resolve(DemoIssuer.KEY_FILE)));

        assertThat(published.getKeys()).singleElement().satisfies(jwk -> {
            assertThat(jwk.isPrivate()).isFalse();
            assertThat(jwk.getKeyID()).isEqualTo(key.getKeyID());
        });
        assertThat(key.isPrivate()).isTrue();
        assertThat(Files.readString(dir.resolve(DemoIssuer.JWKS_FILE))).doesNotContain("\"d\"");
    }

    @Test
    void initWhenRunThenRegistersTheIssuerAndWritesThePolicy() throws Exception {
        String issuers = Files.readString(dir.resolve(DemoIssuer.ISSUERS_FILE));
        String policy = Files.readString(dir.resolve(DemoIssuer.POLICY_FILE));

        assertThat(issuers).contains("id: demo-ci", "issuer: https://issuer.demo.invalid",
                "preset: oidc", "audiences: [\"" + VEND + "\"]", "algorithms: [ES256]",
                "jwksFile: demo-issuer-jwks.json", "singleUseJti: true", "repository: string",
                "ref: string");
        assertThat(policy).contains("issuer: demo-ci", "sub: workload-42", "ref: refs/heads/main",
                "audiences: [https://demo-api.invalid]", "scopes: [read, deploy]",
                "maxLifetimeSeconds: 300", "carry: [repository, ref]");
    }

    @Test
    void initWhenUrlIsNotHttpThenRefuses() {
        assertThatThrownBy(() -> DemoIssuer.init(dir, "ftp://localhost"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DemoIssuer.init(dir, "http://x\"y"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mintWhenRunThenSignsAFiveMinuteWorkloadTokenWithThePublishedKey() throws Exception {
        String token = DemoIssuer.mint(dir, VEND, "workload-42", "refs/heads/main");

        JWTClaimsSet claims = processor().process(token, null);
        assertThat(claims.getIssuer()).isEqualTo("https://issuer.demo.invalid");
        assertThat(claims.getSubject()).isEqualTo("workload-42");
        assertThat(claims.getAudience()).containsExactly(VEND);
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getStringClaim("repository")).isEqualTo(DemoIssuer.REPOSITORY);
        assertThat(claims.getStringClaim("ref")).isEqualTo("refs/heads/main");
        assertThat(Duration.between(claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant())).isEqualTo(Duration.ofMinutes(5));
        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm())
                .isEqualTo(JWSAlgorithm.ES256);
    }

    @Test
    void mintWhenRunTwiceThenEachTokenHasItsOwnJti() throws Exception {
        String first = DemoIssuer.mint(dir, VEND, "workload-42", "refs/heads/main");
        String second = DemoIssuer.mint(dir, VEND, "workload-42", "refs/heads/main");

        assertThat(SignedJWT.parse(first).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(SignedJWT.parse(second).getJWTClaimsSet().getJWTID());
    }

    @Test
    void verifyWhenSignedWithAnotherKeyUnderTheSameKidThenRefuses() throws Exception {
        String kid = JWKSet.load(dir.resolve(DemoIssuer.JWKS_FILE).toFile()).getKeys().get(0)
                .getKeyID();
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(DemoIssuer.ISSUER)
                .subject("workload-42").audience(List.of(VEND)).issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT).keyID(kid).build(), claims);
        forged.sign(new ECDSASigner(stranger));

        assertThatThrownBy(() -> processor().process(forged.serialize(), null))
                .isInstanceOf(BadJOSEException.class)
                .hasMessageContaining("Invalid signature");
    }

    private DefaultJWTProcessor<SecurityContext> processor() throws Exception {
        JWKSet published = JWKSet.load(dir.resolve(DemoIssuer.JWKS_FILE).toFile());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(published)));
        return processor;
    }
}
