// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.RealDocs;
import dev.vend.verify.DenialReason;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.MutableClock;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A genuine GitHub Actions token and GitLab CI token from realdocs/github-oidc, read at test time
 * (never copied into the repository), verified with the GitHub JWKS snapshot of their day. The
 * expected verdicts are those of realdocs/github-oidc/PROVENANCE.md.
 */
class RealGithubTokenTest {

    private static final String GITHUB_TOKEN = "github-oidc/token-01-stepsecurity-2022-08-05.jwt";
    private static final String GITLAB_TOKEN =
            "github-oidc/gitlab/gitlab-selfhosted-id-token-2025-03-01.jwt";
    private static final String JWKS = "github-oidc/github-jwks-2022-snapshot.json";
    private static final String TOKEN_KID = "78167F727DEC5D801DD1C8784C704A1C880EC0E1";
    private static final String OTHER_KID = "52F197C481DE70112C441B4A9B37B53C7FCF0DB5";
    /** Inside the token's [iat 1659662993, exp 1659663293]. */
    private static final Instant TOKEN_TIME = Instant.ofEpochSecond(1659663000L);
    /** Inside the GitLab token's [iat 1740821142, exp 1740824742]. */
    private static final Instant GITLAB_TIME = Instant.ofEpochSecond(1740821200L);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String token;
    private MutableClock clock;

    @BeforeEach
    void setUp() {
        token = RealDocs.read(GITHUB_TOKEN).strip();
        clock = new MutableClock(TOKEN_TIME);
    }

    @Test
    void verifyWhenGenuineTokenAtItsOwnTimeThenAcceptedWithGithubAttributes() {
        VerifiedIdentity identity = verify(token, RealDocs.resolve(JWKS));

        assertThat(identity.issuerId()).isEqualTo("github");
        assertThat(identity.immutableId()).isEqualTo("25015917:433903792");
        assertThat(identity.vendSubject()).isEqualTo("oidc:github:25015917:433903792");
        assertThat(identity.attribute("repository"))
                .contains(new AttributeValue.Str("varunsh-coder/actions-playground"));
        assertThat(identity.attribute("ref")).contains(new AttributeValue.Str("refs/heads/main"));
        assertThat(identity.attribute("event_name"))
                .contains(new AttributeValue.Str("workflow_dispatch"));
        assertThat(identity.attribute("job_workflow_ref")).contains(new AttributeValue.Str(
                "varunsh-coder/actions-playground/.github/workflows/mfa_release.yml"
                        + "@refs/heads/main"));
        assertThat(identity.attribute("environment")).as("2022 tokens carry none").isEmpty();
        assertThat(identity.evidenceExpiresAt()).isEqualTo(Instant.ofEpochSecond(1659663293L));
    }

    @Test
    void verifyWhenGenuineTokenTodayThenDeniesExpired() {
        clock.set(Instant.now());

        assertDenied(() -> verify(token, RealDocs.resolve(JWKS)), DenialReason.EXPIRED);
    }

    @Test
    void verifyWhenGenuineTokenPresentedTwiceThenDeniesReplayed() {
        VerifierRegistry verifiers = verifiers(RealDocs.resolve(JWKS), githubEntry(""));
        verifiers.verify(new Attestation(TokenTypes.JWT, token));

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.REPLAYED);
    }

    @Test
    void verifyWhenOnlyOtherGithubKeyRenamedToTokenKidThenDeniesBadSignature() throws Exception {
        Path jwks = writeJwksWithOnly(OTHER_KID, TOKEN_KID);

        assertDenied(() -> verify(token, jwks), DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenOnlyOtherGithubKeyUnderItsOwnKidThenDeniesUnknownKey() throws Exception {
        Path jwks = writeJwksWithOnly(OTHER_KID, OTHER_KID);

        assertDenied(() -> verify(token, jwks), DenialReason.UNKNOWN_KEY);
    }

    @Test
    void verifyWhenPayloadEditedToAnotherBranchThenDeniesBadSignature() {
        String[] parts = token.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String evil = payload.replace("refs/heads/main", "refs/heads/evil");
        assertThat(evil).isNotEqualTo(payload);
        String edited = parts[0] + "." + Base64URL.encode(evil.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        assertDenied(() -> verify(edited, RealDocs.resolve(JWKS)), DenialReason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenEntryAcceptsOnlyVendAudienceThenDeniesAudienceMismatch() {
        // GitHub's default audience is shared by every relying party of that owner.
        VerifierRegistry verifiers = verifiers(RealDocs.resolve(JWKS), """
                issuers:
                  - id: github
                    issuer: https://token.actions.githubusercontent.com
                    preset: github-actions
                    algorithms: [RS256]
                    jwksFile: %s
                """.formatted(RealDocs.resolve(JWKS)));

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.AUDIENCE_MISMATCH);
    }

    @Test
    void fromDocumentWhenGithubOwnerAudienceWithoutOptInThenRefusedAtStart() {
        String yaml = githubEntry("").replace("    allowSharedAudiences: true\n", "")
                .formatted(RealDocs.resolve(JWKS));

        assertThatThrownBy(() -> TestRegistries.fromYaml(yaml, dir))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("https://github.com/varunsh-coder is shared");
    }

    @Test
    void verifyWhenGitlabTokenIssuerNotRegisteredThenDeniesUntrustedIssuer() {
        String gitlab = RealDocs.read(GITLAB_TOKEN).strip();
        clock.set(GITLAB_TIME);

        assertDenied(() -> verify(gitlab, RealDocs.resolve(JWKS)), DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenGitlabTokenRegisteredWithoutItsKeyThenDeniesUnknownKey() {
        String gitlab = RealDocs.read(GITLAB_TOKEN).strip();
        Path jwks = RealDocs.resolve(JWKS);
        VerifierRegistry verifiers = verifiers(jwks, """
                issuers:
                  - id: gitlab
                    issuer: https://gitlab.example.com
                    preset: gitlab-ci
                    audiences: [https://example.com]
                    algorithms: [RS256]
                    jwksFile: %s
                """.formatted(jwks));

        for (Instant at : List.of(GITLAB_TIME, Instant.now())) {
            clock.set(at);
            assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, gitlab)),
                    DenialReason.UNKNOWN_KEY);
        }
    }

    // ---- helpers

    private VerifiedIdentity verify(String compact, Path jwks) {
        return verifiers(jwks, githubEntry("")).verify(new Attestation(TokenTypes.JWT, compact));
    }

    private String githubEntry(String extra) {
        return """
                issuers:
                  - id: github
                    issuer: https://token.actions.githubusercontent.com
                    preset: github-actions
                    audiences: [https://github.com/varunsh-coder]
                    allowSharedAudiences: true
                    algorithms: [RS256]
                    jwksFile: %s
                """ + extra;
    }

    private VerifierRegistry verifiers(Path jwks, String yamlTemplate) {
        String yaml = yamlTemplate.contains("%s") ? yamlTemplate.formatted(jwks) : yamlTemplate;
        IssuerRegistry registry = TestRegistries.fromYaml(yaml, dir);
        IssuerKeys keys = IssuerKeys.forRegistry(registry, HttpsFetcher.withDefaultTrust(), clock,
                JwksCache.Timing.defaults());
        var oidc = new OidcVerifier(new OidcVerifierConfig(keys, new InMemorySingleUseStore(),
                clock));
        return new VerifierRegistry(registry, List.of(oidc));
    }

    /** A JWKS file in the temp folder holding one snapshot key, under the given kid. */
    private Path writeJwksWithOnly(String kid, String newKid) throws Exception {
        JsonNode snapshot = JSON.readTree(RealDocs.read(JWKS));
        ObjectNode key = null;
        for (JsonNode candidate : snapshot.get("keys")) {
            if (kid.equals(candidate.path("kid").asText())) {
                key = ((ObjectNode) candidate).deepCopy();
            }
        }
        assertThat(key).as("snapshot holds kid %s", kid).isNotNull();
        key.put("kid", newKid);
        ObjectNode out = JSON.createObjectNode();
        out.putArray("keys").add(key);
        return Files.writeString(dir.resolve("one-key.jwks.json"), JSON.writeValueAsString(out));
    }
}
