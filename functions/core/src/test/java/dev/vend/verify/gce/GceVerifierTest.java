// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestGceTokens;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import dev.vend.verify.DenialReason;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.MutableClock;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Compute Engine verifier, routed by {@link VerifierRegistry} from the Google issuer, with
 * tokens signed at test time by keys the test makes and a Vend challenge in the audience.
 */
class GceVerifierTest {

    static final String GOOGLE = TestGceTokens.GOOGLE;
    static final String AUD = TestRegistries.VEND;
    static final RSAKey GOOGLE_KEY = TestKeys.rsa2048();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private Challenges challenges;
    private VerifierRegistry verifiers;

    @BeforeEach
    void setUp() throws IOException {
        Path jwks = dir.resolve("google.json");
        Files.writeString(jwks, new JWKSet(GOOGLE_KEY.toPublicJWK()).toString(),
                StandardCharsets.UTF_8);
        IssuerRegistry registry = TestRegistries.fromYaml("""
                issuers:
                  - id: gce
                    issuer: https://accounts.google.com
                    preset: gce
                    algorithms: [RS256]
                    jwksFile: %s
                """.formatted(jwks), dir);
        challenges = new Challenges(new InMemorySingleUseStore(), clock);
        var keys = IssuerKeys.forRegistry(registry, HttpsFetcher.withDefaultTrust(), clock,
                JwksCache.Timing.defaults());
        verifiers = new VerifierRegistry(registry,
                List.of(new GceVerifier(new GceVerifierConfig(keys, challenges, clock))));
    }

    @Test
    void verifyWhenVmTokenWithFreshChallengeThenAcceptedWithProjectAndServiceAccount() {
        String token = vmToken(AUD + "?challenge=" + challenges.issue().value()).sign();

        VerifiedIdentity identity = verify(token);

        assertThat(identity.source()).isEqualTo(IdentitySource.GCE);
        assertThat(identity.issuerId()).isEqualTo("gce");
        assertThat(identity.attribute("project_id"))
                .contains(new AttributeValue.Str("vend-prod-4711"));
        assertThat(identity.attribute("project_number"))
                .contains(new AttributeValue.Num(new BigDecimal("161958465613")));
        assertThat(identity.attribute("instance_id"))
                .contains(new AttributeValue.Str("2589221140676718026"));
        assertThat(identity.attribute("zone")).contains(new AttributeValue.Str("us-east1-b"));
        assertThat(identity.attribute("sub"))
                .contains(new AttributeValue.Str("104070955682298736149"));
        assertThat(identity.vendSubject()).isEqualTo("gce:gce:2589221140676718026");
    }

    @Test
    void verifyWhenSameTokenPresentedTwiceThenDeniesReplayedChallenge() {
        String token = vmToken(AUD + "?challenge=" + challenges.issue().value()).sign();
        verify(token);

        var denial = assertDenied(() -> verify(token), DenialReason.REPLAYED);
        assertThat(denial.identity()).isPresent();
    }

    @Test
    void verifyWhenRightAudienceButNoComputeEngineBlockThenDeniesMissingClaim() {
        // A Google-signed token for a service account or user, not a VM.
        String token = TestTokens.signedWith(GOOGLE_KEY).clock(clock).issuer(GOOGLE)
                .subject("104070955682298736149")
                .audience(AUD + "?challenge=" + challenges.issue().value())
                .claim("email", "deployer@vend-prod-4711.iam.gserviceaccount.com")
                .claim("email_verified", true).sign();

        assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenComputeEngineBlockLacksProjectThenDeniesMissingClaim() {
        var block = computeEngine();
        block.remove("project_id");
        String token = vmToken(AUD + "?challenge=" + challenges.issue().value())
                .claim("google", Map.of("compute_engine", block)).sign();

        assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenProjectNumberSentAsStringThenDeniesMissingClaim() {
        var block = computeEngine();
        block.put("project_number", "161958465613");
        String token = vmToken(AUD + "?challenge=" + challenges.issue().value())
                .claim("google", Map.of("compute_engine", block)).sign();

        assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenAudienceCarriesNoChallengeThenDeniesAudienceMismatch() {
        assertDenied(() -> verify(vmToken(AUD).sign()), DenialReason.AUDIENCE_MISMATCH);
    }

    @Test
    void verifyWhenAudiencePrefixIsAnotherServiceThenDeniesAudienceMismatch() {
        String token = vmToken("https://other.example?challenge=" + challenges.issue().value())
                .sign();

        assertDenied(() -> verify(token), DenialReason.AUDIENCE_MISMATCH);
    }

    @Test
    void verifyWhenChallengeMarkRepeatedThenSplitAtLastAndDeniesAudienceMismatch() {
        String nonce = challenges.issue().value();
        String token = vmToken(AUD + "?challenge=" + nonce + "?challenge=" + nonce).sign();

        assertDenied(() -> verify(token), DenialReason.AUDIENCE_MISMATCH);
    }

    @Test
    void verifyWhenAudienceIsListThenDeniesAudienceMismatch() {
        String aud = AUD + "?challenge=" + challenges.issue().value();
        String token = vmToken(aud).audience(List.of(aud, "https://other.example")).sign();

        assertDenied(() -> verify(token), DenialReason.AUDIENCE_MISMATCH);
    }

    @Test
    void verifyWhenChallengeNeverIssuedThenDeniesExpired() {
        String token = vmToken(AUD + "?challenge=" + "k".repeat(32)).sign();

        assertDenied(() -> verify(token), DenialReason.EXPIRED);
    }

    @Test
    void verifyWhenChallengeNotShapedLikeOneThenDeniesMalformed() {
        String token = vmToken(AUD + "?challenge=20210104-195534").sign();

        assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void verifyWhenChallengeOlderThanFiveMinutesThenDeniesExpired() {
        String nonce = challenges.issue().value();
        clock.advance(Duration.ofMinutes(6));
        String token = vmToken(AUD + "?challenge=" + nonce).sign();

        assertDenied(() -> verify(token), DenialReason.EXPIRED);
    }

    @Test
    void verifyWhenTokenExpiredThenDeniesExpiredAndLeavesChallengeUnconsumed() {
        String nonce = challenges.issue().value();
        String stale = vmToken(AUD + "?challenge=" + nonce)
                .issuedAt(clock.instant().minusSeconds(400))
                .expiresAt(clock.instant().minusSeconds(100)).sign();

        assertDenied(() -> verify(stale), DenialReason.EXPIRED);
        verify(vmToken(AUD + "?challenge=" + nonce).sign());
    }

    @Test
    void verifyWhenSignedByAnotherKeyUnderGooglesKidThenDeniesBadSignature() {
        RSAKey impostor = new RSAKey.Builder(TestKeys.rsa2048(1))
                .keyID(GOOGLE_KEY.getKeyID()).build();
        String token = vmToken(AUD + "?challenge=" + challenges.issue().value())
                .key(impostor).sign();

        assertDenied(() -> verify(token), DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenHmacAlgorithmThenDeniesUnsupportedAlgorithm() {
        var hmac = new OctetSequenceKey.Builder(new byte[32]).keyID(GOOGLE_KEY.getKeyID()).build();
        String token = vmToken(AUD + "?challenge=" + challenges.issue().value())
                .key(hmac).algorithm(JWSAlgorithm.HS256).sign();

        assertDenied(() -> verify(token), DenialReason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenIssuerIsNotGoogleThenDeniesUntrustedIssuer() {
        String token = vmToken(AUD + "?challenge=" + challenges.issue().value())
                .issuer("https://accounts.google.com.evil.example").sign();

        assertDenied(() -> verify(token), DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void fromDocumentWhenGoogleEntryNamesGoogleapisJwksThenAccepted() {
        // Google's discovery names a JWKS on www.googleapis.com; the entry names it explicitly.
        IssuerRegistry registry = TestRegistries.fromYaml("""
                issuers:
                  - id: gce
                    issuer: https://accounts.google.com
                    preset: gce
                    algorithms: [RS256]
                    jwksUri: https://www.googleapis.com/oauth2/v3/certs
                """, dir);

        assertThat(registry.byIssuer(GOOGLE).orElseThrow().preset().source())
                .isEqualTo(IdentitySource.GCE);
    }

    private VerifiedIdentity verify(String token) {
        return verifiers.verify(new Attestation(TokenTypes.JWT, token));
    }

    private TestTokens.Builder vmToken(String audience) {
        return TestGceTokens.vmToken(GOOGLE_KEY, audience).clock(clock);
    }

    private static Map<String, Object> computeEngine() {
        return TestGceTokens.computeEngine();
    }
}
