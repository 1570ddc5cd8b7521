// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.model.Attestation;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routing: the unverified iss only picks a registry entry, and the entry's preset picks exactly
 * one verifier. The verifiers here are recording stand-ins; no signature is checked in this
 * class (the real verifiers' tests do that).
 */
class VerifierRegistryTest {

    @TempDir
    Path dir;

    private Recording oidc;
    private Recording gce;
    private IssuerRegistry registry;

    @BeforeEach
    void setUp() {
        registry = TestRegistries.fromYaml("""
                issuers:
                  - id: test
                    issuer: https://issuer.example
                    jwksUri: https://issuer.example/jwks
                  - id: gce
                    issuer: https://accounts.google.com
                    preset: gce
                    jwksUri: https://www.googleapis.com/oauth2/v3/certs
                """, dir);
        oidc = new Recording(IdentitySource.OIDC);
        gce = new Recording(IdentitySource.GCE);
    }

    @Test
    void verifyWhenIssRegisteredThenRoutesToVerifierOfItsPreset() {
        var verifiers = new VerifierRegistry(registry, List.of(oidc, gce));

        verifiers.verify(jwt("https://issuer.example"));
        verifiers.verify(jwt("https://accounts.google.com"));

        assertThat(oidc.seen).extracting(IssuerConfig::id).containsExactly("test");
        assertThat(gce.seen).extracting(IssuerConfig::id).containsExactly("gce");
    }

    @Test
    void verifyWhenGoogleTokenAndNoGceVerifierThenDeniesWithoutTryingGenericOidc() {
        // A Google-signed token for some other principal must never pass as generic OIDC.
        var verifiers = new VerifierRegistry(registry, List.of(oidc));

        assertDenied(() -> verifiers.verify(jwt("https://accounts.google.com")),
                DenialReason.UNTRUSTED_ISSUER);
        assertThat(oidc.seen).isEmpty();
    }

    @ParameterizedTest(name = "iss {0}")
    @ValueSource(strings = {"https://issuer.example/", "https://ISSUER.example",
        "http://issuer.example", "https://unknown.example", ""})
    void verifyWhenIssNotRegisteredExactlyThenDeniesUntrustedIssuer(String iss) {
        var verifiers = new VerifierRegistry(registry, List.of(oidc, gce));

        assertDenied(() -> verifiers.verify(jwt(iss)), DenialReason.UNTRUSTED_ISSUER);
        assertThat(oidc.seen).isEmpty();
    }

    @Test
    void verifyWhenIssIsNotStringThenDeniesMissingClaim() {
        var verifiers = new VerifierRegistry(registry, List.of(oidc));
        String token = TestTokens.signedWith(TestKeys.ecP256())
                .claim("iss", List.of("https://issuer.example")).sign();

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenTokenIsMalformedThenDeniesBeforeRouting() {
        var verifiers = new VerifierRegistry(registry, List.of(oidc));

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, "a.b")),
                DenialReason.MALFORMED_TOKEN);
        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, "e30.a.b.c.d")),
                DenialReason.UNSUPPORTED_TOKEN_FORM);
        assertThat(oidc.seen).isEmpty();
    }

    @Test
    void verifyWhenTokenTypeIsNotJwtThenDeniesUntrustedIssuer() {
        var verifiers = new VerifierRegistry(registry, List.of(oidc));
        String token = TestTokens.signedWith(TestKeys.ecP256()).issuer("https://issuer.example")
                .sign();

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.AWS_EC2_BUNDLE, token)),
                DenialReason.UNTRUSTED_ISSUER);
        assertThat(oidc.seen).isEmpty();
    }

    @Test
    void knownTokenTypeWhenAskedThenKnowsJwtAndVendTypesOnly() {
        assertThat(VerifierRegistry.knownTokenType(TokenTypes.JWT)).isTrue();
        assertThat(VerifierRegistry.knownTokenType(TokenTypes.ID_TOKEN)).isTrue();
        assertThat(VerifierRegistry.knownTokenType(TokenTypes.AWS_EC2_BUNDLE)).isTrue();
        assertThat(VerifierRegistry.knownTokenType(TokenTypes.AWS_IAM_PROOF)).isTrue();
        assertThat(VerifierRegistry.knownTokenType(TokenTypes.AZURE_ATTESTED)).isTrue();
        assertThat(VerifierRegistry.knownTokenType(TokenTypes.ACCESS_TOKEN)).isFalse();
        assertThat(VerifierRegistry.knownTokenType("urn:ietf:params:oauth:token-type:saml2"))
                .isFalse();
    }

    private static Attestation jwt(String iss) {
        return new Attestation(TokenTypes.JWT,
                TestTokens.signedWith(TestKeys.ecP256()).issuer(iss).subject("s").sign());
    }

    /** A verifier that records which entries it was asked to verify under. */
    private static final class Recording implements IdentityVerifier {

        private final IdentitySource source;
        private final List<IssuerConfig> seen = new ArrayList<>();

        Recording(IdentitySource source) {
            this.source = source;
        }

        @Override
        public IdentitySource source() {
            return source;
        }

        @Override
        public VerifiedIdentity verify(Attestation attestation, IssuerConfig issuer) {
            seen.add(issuer);
            return new VerifiedIdentity(source, issuer.id(), issuer.issuer(), "id", Map.of(),
                    Instant.EPOCH, attestation.sha256());
        }
    }
}
