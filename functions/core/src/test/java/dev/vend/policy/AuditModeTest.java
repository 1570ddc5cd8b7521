// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import static dev.vend.policy.PolicyFixtures.ISS_GH;
import static dev.vend.policy.PolicyFixtures.VEND_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.audit.AuditEvent;
import dev.vend.audit.AuditLog;
import dev.vend.audit.LogFields;
import dev.vend.issue.KeyRing;
import dev.vend.issue.LocalSigningKeys;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.parse.TokenExchangeForm;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import dev.vend.vend.RequestIds;
import dev.vend.vend.TokenVendingService;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.VerifierRegistry;
import dev.vend.verify.oidc.OidcVerifier;
import dev.vend.verify.oidc.OidcVerifierConfig;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mode: audit} and {@code disabled: true} through the whole pipeline: a real signed token,
 * the real verifier, policies from a folder and a capturing audit log. An audit policy that
 * matches issues nothing, and the one audit record of the request shows what it would have done.
 */
class AuditModeTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String POLICY = """
            apiVersion: vend.dev/v1
            id: %s
            issuer: github-actions
            %sconditions:
              repository_owner_id: "1001"
              repository_id: "123"
              ref: refs/heads/main
            issue:
              audiences: [https://api.example.test]
            """;

    @TempDir
    Path dir;

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    private IssuerRegistry registry;
    private KeyRing keys;

    @BeforeEach
    void wire() throws IOException {
        Path jwks = dir.resolve("issuer-jwks.json");
        Files.writeString(jwks, new JWKSet(TestKeys.rsa2048().toPublicJWK()).toString());
        registry = PolicyFixtures.registry(jwks);
        keys = new KeyRing(List.of(LocalSigningKeys.loadOrCreate(dir.resolve("state"),
                JWSAlgorithm.ES256)), Duration.ofMinutes(15));
    }

    private TokenVendingService service(String... policies) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("policies"));
        for (int i = 0; i < policies.length; i++) {
            Files.writeString(folder.resolve("p" + i + ".yaml"), policies[i]);
        }
        var store = FolderPolicyStore.load(folder, PolicyFixtures.compiler(registry));
        var issuerKeys = IssuerKeys.forRegistry(registry, HttpsFetcher.withDefaultTrust(), CLOCK,
                JwksCache.Timing.defaults());
        var oidc = new OidcVerifier(new OidcVerifierConfig(issuerKeys,
                new InMemorySingleUseStore(), CLOCK));
        AuditLog capture = events::add;
        return new TokenVendingService(new TokenVendingService.Parts(
                new VerifierRegistry(registry, List.of(oidc)), new PolicyEngine(store),
                new TokenIssuer(VEND_URL, keys, CLOCK), capture, CLOCK));
    }

    private static TokenRequest acmeMain() {
        String token = TestTokens.signedWith(TestKeys.rsa2048()).clock(CLOCK)
                .issuer(ISS_GH).audience(VEND_URL)
                .subject("repo:acme/app:ref:refs/heads/main")
                .claim("repository", "acme/app").claim("repository_id", "123")
                .claim("repository_owner", "acme").claim("repository_owner_id", "1001")
                .claim("ref", "refs/heads/main").sign();
        String body = "grant_type=" + enc(TokenExchangeForm.GRANT_TYPE)
                + "&subject_token=" + enc(token) + "&subject_token_type=" + enc(TokenTypes.JWT);
        return TokenExchangeForm.parse(body, RequestIds.next());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static DenialException denied(TokenVendingService service) {
        Throwable thrown = catchThrowable(() -> service.vend(acmeMain()));
        assertThat(thrown).isInstanceOf(DenialException.class);
        return (DenialException) thrown;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> recordedPolicies() {
        assertThat(events).as("audit events").hasSize(1);
        return (List<Map<String, Object>>) events.get(0).fields().get(LogFields.POLICIES);
    }

    @Test
    void vendWhenOnlyAnAuditPolicyMatchesThenIssuesNothingAndRecordsWhatItWouldHaveDone()
            throws IOException {
        var service = service(POLICY.formatted("gh-audit", "mode: audit\n"));

        DenialException denial = denied(service);

        assertThat(denial.reason()).isEqualTo(DenialReason.AUDIT_MODE_ONLY);
        AuditEvent event = events.get(0);
        assertThat(event.decision()).isEqualTo("deny");
        assertThat(event.reason()).isEqualTo("audit_mode_only");
        assertThat(event.fields()).doesNotContainKey(LogFields.TOKEN_JTI);
        assertThat(recordedPolicies()).singleElement().satisfies(outcome -> assertThat(outcome)
                .containsEntry(LogFields.POLICY_ID, "gh-audit")
                .containsEntry(LogFields.MODE, "audit")
                .containsEntry(LogFields.MATCHED, true)
                .containsEntry(LogFields.ENTITLES, true)
                .containsKey(LogFields.POLICY_VERSION));
    }

    @Test
    void vendWhenAuditAndEnforcingPoliciesMatchThenEnforcingIssuesAndBothAreRecorded()
            throws IOException {
        var service = service(POLICY.formatted("a-audit", "mode: audit\npriority: 99\n"),
                POLICY.formatted("b-enforce", ""));

        var token = service.vend(acmeMain());

        assertThat(token.accessToken()).isNotBlank();
        assertThat(events.get(0).fields()).containsEntry(LogFields.POLICY_ID, "b-enforce");
        assertThat(recordedPolicies()).extracting(o -> o.get(LogFields.POLICY_ID))
                .containsExactlyInAnyOrder("a-audit", "b-enforce");
    }

    @Test
    void vendWhenTheOnlyMatchingPolicyIsDisabledThenDeniesNoMatchingPolicy() throws IOException {
        var service = service(POLICY.formatted("gh-off", "disabled: true\n"));

        DenialException denial = denied(service);

        assertThat(denial.reason()).isEqualTo(DenialReason.NO_MATCHING_POLICY);
        assertThat(recordedPolicies()).singleElement().satisfies(outcome -> assertThat(outcome)
                .containsEntry(LogFields.POLICY_ID, "gh-off")
                .containsEntry(LogFields.MATCHED, false));
    }
}
