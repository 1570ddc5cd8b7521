// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import static dev.vend.policy.PolicyFixtures.AUD;
import static dev.vend.policy.PolicyFixtures.ISS_GH;
import static dev.vend.policy.PolicyFixtures.ISS_GITLAB;
import static dev.vend.policy.PolicyFixtures.VEND_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.audit.AuditEvent;
import dev.vend.audit.AuditLog;
import dev.vend.audit.JsonAuditLog;
import dev.vend.audit.LogFields;
import dev.vend.issue.KeyRing;
import dev.vend.issue.LocalSigningKeys;
import dev.vend.issue.SigningKey;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.parse.TokenExchangeForm;
import dev.vend.policy.Decision;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.PolicyEngine;
import dev.vend.policy.PolicyFixtures;
import dev.vend.policy.PolicyStore;
import dev.vend.testsupport.LogSearch;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.VendingFailure;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline, wired as the local server wires it: a registry with a static JWKS file,
 * the real OIDC verifier, policies from a folder, a local signing key, and a capturing audit log.
 */
class TokenVendingServiceTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String OTHER_AUD = "https://other.example.test";
    private static final String GITHUB_POLICY = """
            apiVersion: vend.dev/v1
            id: gh-deploy
            issuer: github-actions
            conditions:
              repository_owner_id: "1001"
              repository_id: "123"
              ref: refs/heads/main
            issue:
              audiences: [https://api.example.test]
              scopes: [deploy, read]
              maxLifetimeSeconds: 600
              carry: [repository]
            """;
    private static final String GITLAB_POLICY = """
            apiVersion: vend.dev/v1
            id: gl-deploy
            issuer: gitlab-com
            conditions:
              project_id: "53804090"
              ref_protected: "true"
            issue:
              audiences: [https://api.example.test]
            """;

    @TempDir
    Path dir;

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> tokensSeen = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private IssuerRegistry registry;
    private VerifierRegistry verifiers;
    private PolicyStore folderStore;
    private KeyRing keys;
    private TokenVendingService service;

    @BeforeEach
    void wire() throws IOException {
        Path jwks = dir.resolve("issuer-jwks.json");
        Files.writeString(jwks, new JWKSet(TestKeys.rsa2048().toPublicJWK()).toString());
        registry = PolicyFixtures.registry(jwks);
        var issuerKeys = IssuerKeys.forRegistry(registry, HttpsFetcher.withDefaultTrust(), CLOCK,
                JwksCache.Timing.defaults());
        var oidc = new OidcVerifier(new OidcVerifierConfig(issuerKeys,
                new InMemorySingleUseStore(), CLOCK));
        verifiers = new VerifierRegistry(registry, List.of(oidc));

        Path policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("github.yaml"), GITHUB_POLICY);
        Files.writeString(policies.resolve("gitlab.yaml"), GITLAB_POLICY);
        folderStore = FolderPolicyStore.load(policies, PolicyFixtures.compiler(registry));

        keys = new KeyRing(List.of(LocalSigningKeys.loadOrCreate(dir.resolve("state"),
                JWSAlgorithm.ES256)), Duration.ofMinutes(15));
        service = service(folderStore);

        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void unhookLogs() {
        root().detachAppender(logs);
        logs.stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private TokenVendingService service(PolicyStore store) {
        AuditLog capture = events::add;
        return new TokenVendingService(new TokenVendingService.Parts(verifiers,
                new PolicyEngine(store), new TokenIssuer(VEND_URL, keys, CLOCK), capture, CLOCK));
    }

    /** A GitHub Actions token for acme/app on main, signed by the registered key. */
    private TestTokens.Builder github() {
        return TestTokens.signedWith(TestKeys.rsa2048()).clock(CLOCK)
                .issuer(ISS_GH).audience(VEND_URL)
                .subject("repo:acme/app:ref:refs/heads/main")
                .claim("repository", "acme/app").claim("repository_id", "123")
                .claim("repository_owner", "acme").claim("repository_owner_id", "1001")
                .claim("ref", "refs/heads/main").claim("event_name", "push");
    }

    private TestTokens.Builder gitlab() {
        return TestTokens.signedWith(TestKeys.rsa2048()).clock(CLOCK)
                .issuer(ISS_GITLAB).audience(VEND_URL)
                .subject("project_path:acme/app:ref_type:branch:ref:main")
                .claim("namespace_id", "42").claim("project_id", "53804090")
                .claim("project_path", "acme/app").claim("ref_protected", "true")
                .claim("ref_type", "branch").claim("ref", "main");
    }

    private TokenRequest request(String subjectToken, String extra) {
        tokensSeen.add(subjectToken);
        String body = "grant_type=" + enc(TokenExchangeForm.GRANT_TYPE)
                + "&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc(TokenTypes.JWT) + extra;
        return TokenExchangeForm.parse(body, RequestIds.next());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private IssuedToken vend(TokenRequest request) {
        IssuedToken token = service.vend(request);
        tokensSeen.add(token.accessToken());
        return token;
    }

    private DenialException denied(TokenVendingService target, TokenRequest request) {
        Throwable thrown = catchThrowable(() -> target.vend(request));
        assertThat(thrown).isInstanceOf(DenialException.class);
        return (DenialException) thrown;
    }

    private AuditEvent onlyEvent() {
        assertThat(events).as("audit events").hasSize(1);
        return events.get(0);
    }

    @Test
    void vendWhenProofAndPolicyAcceptThenIssuesAndRecordsOneAllowEvent() throws Exception {
        TokenRequest request = request(github().sign(), "&scope=read");

        IssuedToken token = vend(request);

        SignedJWT jwt = SignedJWT.parse(token.accessToken());
        var published = (ECKey) JWKSet.parse(keys.published(NOW).toString())
                .getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new ECDSAVerifier(published))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("oidc:github-actions:1001:123");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(AUD);
        assertThat(token.scopes()).containsExactly("read");
        AuditEvent event = onlyEvent();
        assertThat(event.decision()).isEqualTo("allow");
        assertThat(event.reason()).isNull();
        assertThat(event.fields()).containsEntry(LogFields.REQUEST_ID, request.requestId())
                .containsEntry(LogFields.SUBJECT, "oidc:github-actions:1001:123")
                .containsEntry(LogFields.POLICY_ID, "gh-deploy")
                .containsEntry(LogFields.TOKEN_JTI, token.jti())
                .containsEntry(LogFields.GRANTED_TTL_S, 600L)
                .containsEntry(LogFields.EVIDENCE_SHA256, request.attestation().sha256());
    }

    static Stream<Arguments> evidenceDenials() {
        return Stream.<Arguments>of(
                Arguments.of("signed by another key under the trusted kid",
                        (UnaryOperator<TestTokens.Builder>) b -> b.key(TestKeys.rsa2048(1))
                                .keyId(TestKeys.rsa2048().getKeyID()),
                        DenialReason.BAD_SIGNATURE),
                Arguments.of("signed by an unknown key",
                        (UnaryOperator<TestTokens.Builder>) b -> b.key(TestKeys.rsa2048(1)),
                        DenialReason.UNKNOWN_KEY),
                Arguments.of("expired",
                        (UnaryOperator<TestTokens.Builder>) b -> b
                                .issuedAt(NOW.minusSeconds(600)).expiresAt(NOW.minusSeconds(120)),
                        DenialReason.EXPIRED),
                Arguments.of("unregistered issuer",
                        (UnaryOperator<TestTokens.Builder>) b -> b.issuer("https://evil.example"),
                        DenialReason.UNTRUSTED_ISSUER),
                Arguments.of("minted for another relying party",
                        (UnaryOperator<TestTokens.Builder>) b -> b.audience(OTHER_AUD),
                        DenialReason.AUDIENCE_MISMATCH),
                Arguments.of("algorithm the issuer does not use",
                        (UnaryOperator<TestTokens.Builder>) b -> b.key(TestKeys.ecP256()),
                        DenialReason.UNSUPPORTED_ALGORITHM),
                Arguments.of("no jti from a single-use issuer",
                        (UnaryOperator<TestTokens.Builder>) b -> b.withoutClaim("jti"),
                        DenialReason.MISSING_CLAIM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evidenceDenials")
    void vendWhenEvidenceRefusedThenDeniesAndRecordsOneEventWithTheReason(String name,
            UnaryOperator<TestTokens.Builder> change, DenialReason reason) {
        TokenRequest request = request(change.apply(github()).sign(), "");

        DenialException denial = denied(service, request);

        assertThat(denial.reason()).isEqualTo(reason);
        assertThat(reason.category()).isEqualTo(DenialReason.Category.EVIDENCE);
        AuditEvent event = onlyEvent();
        assertThat(event.decision()).isEqualTo("deny");
        assertThat(event.reason()).isEqualTo(reason.code());
        assertThat(event.fields()).doesNotContainKeys(LogFields.SUBJECT, LogFields.TOKEN_JTI);
    }

    @Test
    void vendWhenProofIsNotAJwtThenDeniesMalformedToken() {
        DenialException denial = denied(service, request("not-a-jwt", ""));

        assertThat(denial.reason()).isEqualTo(DenialReason.MALFORMED_TOKEN);
        assertThat(onlyEvent().reason()).isEqualTo("malformed_token");
    }

    @Test
    void vendWhenSameProofPresentedTwiceThenSecondIsDeniedReplayed() {
        String token = github().sign();
        vend(request(token, ""));

        DenialException denial = denied(service, request(token, ""));

        assertThat(denial.reason()).isEqualTo(DenialReason.REPLAYED);
        assertThat(events).hasSize(2);
        assertThat(events.get(1).reason()).isEqualTo("replayed");
        // The replay was refused after verification: the record says who replayed it.
        assertThat(events.get(1).fields()).containsKeys("issuer_id", "subject")
                .containsEntry("subject", events.get(0).fields().get("subject"));
    }

    static Stream<Arguments> policyDenials() {
        return Stream.of(
                Arguments.of("BUG-02: acme-evil gets no token",
                        (UnaryOperator<TestTokens.Builder>) b -> b
                                .subject("repo:acme-evil/app:ref:refs/heads/main")
                                .claim("repository", "acme-evil/app")
                                .claim("repository_owner", "acme-evil")
                                .claim("repository_owner_id", "666")
                                .claim("repository_id", "777"),
                        "", DenialReason.NO_MATCHING_POLICY),
                Arguments.of("BUG-03 A: a recycled name",
                        (UnaryOperator<TestTokens.Builder>) b -> b
                                .claim("repository_owner_id", "5555")
                                .claim("repository_id", "987654"),
                        "", DenialReason.NO_MATCHING_POLICY),
                Arguments.of("audience not entitled",
                        (UnaryOperator<TestTokens.Builder>) b -> b,
                        "&audience=" + enc(OTHER_AUD), DenialReason.AUDIENCE_NOT_ENTITLED),
                Arguments.of("scope not entitled",
                        (UnaryOperator<TestTokens.Builder>) b -> b,
                        "&scope=admin", DenialReason.SCOPE_NOT_ENTITLED),
                Arguments.of("AWS credentials requested",
                        (UnaryOperator<TestTokens.Builder>) b -> b,
                        "&requested_token_type=" + enc(TokenTypes.AWS_CREDENTIALS),
                        DenialReason.TOKEN_TYPE_NOT_ENTITLED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policyDenials")
    void vendWhenPolicyRefusesThenDeniesAndRecordsOneEventWithTheReason(String name,
            UnaryOperator<TestTokens.Builder> change, String extra, DenialReason reason) {
        TokenRequest request = request(change.apply(github()).sign(), extra);

        DenialException denial = denied(service, request);

        assertThat(denial.reason()).isEqualTo(reason);
        AuditEvent event = onlyEvent();
        assertThat(event.decision()).isEqualTo("deny");
        assertThat(event.reason()).isEqualTo(reason.code());
        assertThat(event.fields()).containsKey(LogFields.SUBJECT).containsKey(LogFields.POLICIES)
                .doesNotContainKey(LogFields.TOKEN_JTI);
    }

    @Test
    void vendWhenGitLabIdsAndFlagsAreNotStringsThenNoToken() {
        // Field case BUG-06 B end to end: 53804090 and true are not "53804090" and "true".
        var numbers = request(gitlab().claim("project_id", 53804090).sign(), "");
        var booleans = request(gitlab().claim("ref_protected", true).sign(), "");
        var control = request(gitlab().sign(), "");

        assertThat(denied(service, numbers).reason()).isEqualTo(DenialReason.MISSING_CLAIM);
        assertThat(denied(service, booleans).reason()).isEqualTo(DenialReason.NO_MATCHING_POLICY);
        assertThat(vend(control).accessToken()).isNotBlank();
        assertThat(events).extracting(AuditEvent::decision)
                .containsExactly("deny", "deny", "allow");
    }

    @Test
    void vendWhenPolicyDeniesThenWireErrorEqualsBadSignatureError() {
        DenialException policy = denied(service, request(github().sign(), "&scope=admin"));
        DenialException evidence = denied(service, request(github().key(TestKeys.rsa2048(1))
                .keyId(TestKeys.rsa2048().getKeyID()).sign(), ""));
        String id = RequestIds.next();

        WireError policyWire = OAuthErrors.of(policy.reason());
        WireError evidenceWire = OAuthErrors.of(evidence.reason());

        assertThat(policy.reason()).isNotEqualTo(evidence.reason());
        assertThat(policyWire.status()).isEqualTo(evidenceWire.status());
        assertThat(policyWire.headers()).isEqualTo(evidenceWire.headers());
        assertThat(policyWire.body(id)).isEqualTo(evidenceWire.body(id));
    }

    @Test
    void vendWhenStoreHasAnOutageThenFailsTransientAndRecordsOneEvent() {
        TokenVendingService failing = service(identity -> {
            throw VendingFailure.transientFailure("policy table throttled", null);
        });

        Throwable thrown = catchThrowable(() -> failing.vend(request(github().sign(), "")));

        assertThat(thrown).isInstanceOf(VendingFailure.class);
        assertThat(((VendingFailure) thrown).kind()).isEqualTo(FailureKind.TRANSIENT);
        AuditEvent event = onlyEvent();
        assertThat(event.decision()).isEqualTo("error");
        assertThat(event.reason()).isEqualTo(FailureKind.TRANSIENT.code());
        assertThat(OAuthErrors.of(((VendingFailure) thrown).kind()).status()).isEqualTo(503);
    }

    @Test
    void vendWhenSomethingUnexpectedThrowsThenFailsPermanentAndRecordsOneEvent() {
        var bug = new IllegalStateException("bug");
        TokenVendingService failing = service(identity -> {
            throw bug;
        });

        Throwable thrown = catchThrowable(() -> failing.vend(request(github().sign(), "")));

        assertThat(thrown).isInstanceOf(VendingFailure.class).hasCause(bug);
        assertThat(((VendingFailure) thrown).kind()).isEqualTo(FailureKind.PERMANENT);
        AuditEvent event = onlyEvent();
        assertThat(event.decision()).isEqualTo("error");
        assertThat(event.reason()).isEqualTo(FailureKind.PERMANENT.code());
    }

    @Test
    void vendWhenSigningKeyPublicationEndsThenFailsPermanentAndRecordsOneEvent() throws Exception {
        var signer = LocalSigningKeys.fromJwk(TestKeys.ecP256(), "file:/expiring");
        var expiring = new SigningKey(signer.reference(), signer.state(),
                NOW.plusSeconds(60), signer.publicJwk(), signer.signer());
        keys = new KeyRing(List.of(expiring), Duration.ofMinutes(15));

        Throwable thrown = catchThrowable(() -> service(folderStore)
                .vend(request(github().sign(), "")));

        assertThat(thrown).isInstanceOf(VendingFailure.class);
        assertThat(onlyEvent().reason()).isEqualTo("permanent");
    }

    @Test
    void vendWhenManyRequestsOnEveryPathThenExactlyOneEventEach() {
        int calls = 0;
        vend(request(github().sign(), ""));
        calls++;
        for (String extra : List.of("&scope=admin", "&audience=" + enc(OTHER_AUD))) {
            denied(service, request(github().sign(), extra));
            calls++;
        }
        denied(service, request(github().issuer("https://evil.example").sign(), ""));
        calls++;
        catchThrowable(() -> service(identity -> {
            throw new IllegalStateException();
        }).vend(request(github().sign(), "")));
        calls++;

        assertThat(events).hasSize(calls);
        assertThat(events).extracting(AuditEvent::decision)
                .containsExactly("allow", "deny", "deny", "deny", "error");
        assertThat(events).extracting(e -> e.fields().get(LogFields.REQUEST_ID))
                .doesNotHaveDuplicates();
    }

    @Test
    void vendWhenAnyPathThenNoAuditEventOrLogLineHoldsTokenMaterial() {
        // Allow, evidence deny, policy deny, failure.
        vend(request(github().sign(), "&scope=read+deploy"));
        denied(service, request(github().key(TestKeys.rsa2048(1))
                .keyId(TestKeys.rsa2048().getKeyID()).sign(), ""));
        denied(service, request(github().sign(), "&scope=admin"));
        catchThrowable(() -> service(identity -> {
            throw VendingFailure.transientFailure("down", null);
        }).vend(request(github().sign(), "")));
        catchThrowable(() -> service(identity -> {
            throw new IllegalArgumentException(tokensSeen.get(0));
        }).vend(request(github().sign(), "")));

        assertThat(events).hasSize(5);
        for (AuditEvent event : events) {
            assertNoTokenMaterial(JsonAuditLog.toJson(event), exemptValues(event));
        }
        for (ILoggingEvent line : logs.list) {
            String text = line.getFormattedMessage() + (line.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(line.getThrowableProxy()));
            assertNoTokenMaterial(text, List.of());
        }
    }

    @Test
    void explainWhenCalledThenRecordsNothingAndIssuesNothing() {
        var explanation = service.explain(request(github().sign(), ""));

        assertThat(explanation.identity().vendSubject()).isEqualTo("oidc:github-actions:1001:123");
        assertThat(explanation.decision()).isInstanceOf(Decision.Allow.class);
        assertThat(events).isEmpty();
    }

    /** Values the audit records on purpose: verified attributes, the subject and the issuer. */
    private static List<String> exemptValues(AuditEvent event) {
        var values = new ArrayList<String>();
        for (String field : List.of(LogFields.SUBJECT, LogFields.ISSUER, LogFields.ISSUER_ID)) {
            Object value = event.fields().get(field);
            if (value != null) {
                values.add(value.toString());
            }
        }
        if (event.fields().get(LogFields.ATTRIBUTES) instanceof Map<?, ?> attributes) {
            for (Object value : attributes.values()) {
                if (value instanceof Collection<?> list) {
                    list.forEach(item -> values.add(String.valueOf(item)));
                } else {
                    values.add(String.valueOf(value));
                }
            }
        }
        return values;
    }

    /**
     * DESIGN's log-search contract: no subject token or issued token, and no 16-character
     * substring of any of their base64url parts or signatures (in any encoding).
     */
    private void assertNoTokenMaterial(String text, List<String> exempt) {
        for (String token : tokensSeen) {
            var parts = new ArrayList<String>(List.of(token));
            parts.addAll(LogSearch.jwsParts(token));
            LogSearch.assertNoneIn(text, parts, exempt);
        }
    }
}
