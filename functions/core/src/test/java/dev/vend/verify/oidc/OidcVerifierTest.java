// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestOidcIssuer;
import dev.vend.testsupport.TestTokens;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerPreset;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.KeySource;
import dev.vend.verify.MutableClock;
import dev.vend.verify.TestJws;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VendingFailure;
import dev.vend.verify.VerifierRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OIDC verifier end to end, as Vend runs it: routed by {@link VerifierRegistry}, keys from a
 * real HTTPS issuer (discovery) or a static JWKS file, real keys and real signatures, and a clock
 * the tests move. Field cases are nested classes named after their id.
 */
class OidcVerifierTest {

    static final String AUD = TestRegistries.VEND;
    static final String FILE_ISS = "https://file-issuer.example";
    static final String ES_ONLY_ISS = "https://es-only.example";
    static final String TYPED_ISS = "https://typed.example";
    static final String GITHUB_ISS = "https://token.actions.githubusercontent.com";
    static final String K8S_ISS = "https://oidc.eks.eu-west-1.amazonaws.com/id/CLUSTER";

    static final RSAKey RSA = TestKeys.rsa2048();
    static final ECKey EC = TestKeys.ecP256();
    static final RSAKey EVIL = TestKeys.rsa2048(1);

    static TestOidcIssuer issuer;
    static TestOidcIssuer attacker;
    /** One client for the class: it trusts the test CA and keeps its connections warm. */
    static HttpsFetcher fetcher;

    @TempDir
    Path dir;

    MutableClock clock;
    InMemorySingleUseStore singleUse;
    VerifierRegistry verifiers;

    @BeforeAll
    static void startIssuers() {
        issuer = TestOidcIssuer.start("", List.of(RSA, EC));
        attacker = TestOidcIssuer.start("", List.of(EVIL));
        fetcher = TestRegistries.fetcherFor(issuer);
    }

    @AfterAll
    static void stopIssuers() {
        issuer.close();
        attacker.close();
    }

    @BeforeEach
    void setUp() {
        issuer.clearFaults();
        attacker.clearFaults();
        issuer.resetCounters();
        attacker.resetCounters();
        clock = MutableClock.atWholeSecondNow();
        singleUse = new InMemorySingleUseStore();
        issuer.writeJwksFile(dir.resolve("issuer.jwks.json"));
        verifiers = stack(registryYaml(true));
    }

    // ---- happy paths

    @Test
    void verifyWhenDiscoveryIssuerSignsThenMapsTypedAttributesAndSubject() {
        String token = token()
                .claims(Map.of("team", "platform", "level", 3, "admin", true,
                        "groups", List.of("a", "b")))
                .sign();

        VerifiedIdentity identity = verify(token);

        assertThat(identity.source()).isEqualTo(IdentitySource.OIDC);
        assertThat(identity.issuerId()).isEqualTo("test");
        assertThat(identity.issuer()).isEqualTo(issuer.issuer());
        assertThat(identity.immutableId()).isEqualTo("svc-a");
        assertThat(identity.vendSubject()).isEqualTo("oidc:test:svc-a");
        assertThat(identity.attributes()).containsOnly(
                Map.entry("sub", new AttributeValue.Str("svc-a")),
                Map.entry("team", new AttributeValue.Str("platform")),
                Map.entry("level", new AttributeValue.Num(new BigDecimal(3))),
                Map.entry("admin", new AttributeValue.Bool(true)),
                Map.entry("groups", new AttributeValue.StrList(List.of("a", "b"))));
        assertThat(identity.evidenceExpiresAt()).isEqualTo(clock.instant().plusSeconds(300));
        assertThat(identity.evidenceSha256()).isEqualTo(Attestation.sha256Hex(token));
        assertThat(issuer.discoveryFetches()).isEqualTo(1);
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void verifyWhenClaimHasAnotherTypeThanDeclaredThenLeavesItOut() {
        String token = token()
                .claims(Map.of("team", List.of("platform"), "level", "3", "admin", "true"))
                .claim("groups", "a")
                .sign();

        VerifiedIdentity identity = verify(token);

        assertThat(identity.attributes()).containsOnlyKeys("sub");
    }

    @Test
    void verifyWhenEs256KeyOfIssuerSignsThenAccepted() {
        String token = issuer.token(EC).clock(clock).subject("svc-a").audience(AUD).sign();

        assertThat(verify(token).immutableId()).isEqualTo("svc-a");
    }

    @Test
    void verifyWhenStaticJwksFileThenAcceptedWithoutAnyFetch() {
        String token = fileToken(FILE_ISS).sign();

        VerifiedIdentity identity = verify(token);

        assertThat(identity.issuerId()).isEqualTo("test-file");
        assertThat(identity.vendSubject()).isEqualTo("oidc:test-file:svc-a");
        assertThat(issuer.discoveryFetches() + issuer.jwksFetches()).isZero();
    }

    @Test
    void verifyWhenGithubPresetThenImmutableIdIsOwnerAndRepositoryIds() {
        VerifiedIdentity identity = verify(githubToken().sign());

        assertThat(identity.immutableId()).isEqualTo("1001:123");
        assertThat(identity.vendSubject()).isEqualTo("oidc:github:1001:123");
        assertThat(identity.attribute("repository"))
                .contains(new AttributeValue.Str("acme/app"));
        assertThat(identity.attribute("ref")).contains(new AttributeValue.Str("refs/heads/main"));
    }

    @Test
    void verifyWhenImmutableIdsHoldColonsThenSubjectsNeverCollide() {
        VerifiedIdentity first = verify(githubToken().claim("repository_owner_id", "1:2")
                .claim("repository_id", "3").sign());
        VerifiedIdentity second = verify(githubToken().claim("repository_owner_id", "1")
                .claim("repository_id", "2:3").sign());

        assertThat(first.immutableId()).isEqualTo("1%3A2:3");
        assertThat(second.immutableId()).isEqualTo("1:2%3A3");
    }

    @Test
    void verifyWhenGithubPresetLacksImmutableIdThenDeniesMissingClaim() {
        String token = githubToken().withoutClaim("repository_id").sign();

        assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenGithubIdIsNumberNotStringThenDeniesMissingClaim() {
        // BUG-06: types compare strictly, so a number where GitHub sends a string is absent.
        String token = githubToken().claim("repository_id", 123).sign();

        assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenTypHeaderDiffersFromEntryThenDeniesWrongTokenTypeHeader() {
        String wrong = fileToken(TYPED_ISS).type("at+jwt").sign();
        String absent = fileToken(TYPED_ISS).withoutHeader("typ").sign();

        assertDenied(() -> verify(wrong), DenialReason.WRONG_TOKEN_TYPE_HEADER);
        assertDenied(() -> verify(absent), DenialReason.WRONG_TOKEN_TYPE_HEADER);
        assertThat(verify(fileToken(TYPED_ISS).type("jwt").sign()).issuerId()).isEqualTo("typed");
    }

    @ParameterizedTest(name = "typ {0}")
    @ValueSource(strings = {"JWT", "jwt", "Jwt", "application/jwt", "APPLICATION/JWT",
        "Application/Jwt"})
    void verifyWhenTypNamesJwtMediaTypeInAnySpellingThenAccepted(String typ) {
        // Regression: typ was compared as a plain word, so application/jwt (RFC 7515 §4.1.9
        // lets the application/ prefix be present or left out) was refused for expectedType JWT.
        assertThat(verify(fileToken(TYPED_ISS).type(typ).sign()).issuerId()).isEqualTo("typed");
    }

    @ParameterizedTest(name = "typ \"{0}\"")
    @ValueSource(strings = {"", "JWS", "at+jwt", "application/at+jwt", "text/jwt", "/jwt",
        "application/", "application/jwt; charset=utf-8", " JWT", "JWT ", "application/ jwt",
        "x-application/jwt", "application/jwt+json", "\uFF2A\uFF37\uFF34", "jw\u0074\u0000"})
    void verifyWhenTypIsAnyOtherMediaTypeThenDeniesWrongTokenTypeHeader(String typ) {
        String token = fileToken(TYPED_ISS).type(typ).sign();

        assertDenied(() -> verify(token), DenialReason.WRONG_TOKEN_TYPE_HEADER);
    }

    @Test
    void verifyWhenIssuerNotRegisteredThenDeniesUntrustedIssuer() {
        String token = fileToken("https://unknown.example").sign();

        assertDenied(() -> verify(token), DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenTokenHasNoIssThenDeniesMissingClaim() {
        String token = fileToken(FILE_ISS).withoutClaim("iss").sign();

        assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
    }

    @Test
    void verifyWhenCalledDirectlyWithAnotherEntryThenDeniesUntrustedIssuer() {
        // The iss is only a lookup key; the claim check still holds the token to its entry.
        var registry = TestRegistries.fromYaml(registryYaml(true), dir);
        var oidc = new OidcVerifier(new OidcVerifierConfig(keysFor(registry), singleUse, clock));
        IssuerConfig fileEntry = registry.byId("test-file").orElseThrow();
        String token = fileToken("https://unknown.example").sign();

        assertDenied(() -> oidc.verify(new Attestation(TokenTypes.JWT, token), fileEntry),
                DenialReason.UNTRUSTED_ISSUER);
    }

    @Test
    void verifyWhenIdTokenTypeThenVerifiedLikeJwt() {
        String token = fileToken(FILE_ISS).sign();

        VerifiedIdentity identity = verifiers.verify(new Attestation(TokenTypes.ID_TOKEN, token));

        assertThat(identity.issuerId()).isEqualTo("test-file");
    }

    // ---- field cases

    @Nested
    @DisplayName("BUG-07 audience checks never switch off or mis-compare")
    class Bug07 {

        static final Object ABSENT = new Object();

        static Stream<Arguments> audiences() {
            return Stream.of(
                    Arguments.of("absent", ABSENT, DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("\"AUD\"", AUD, null),
                    Arguments.of("[\"other\",\"AUD\"]", List.of("other", AUD), null),
                    Arguments.of("[\"AUD.evil\"]", List.of(AUD + ".evil"),
                            DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("\"AUD/\"", AUD + "/", DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("\"\"", "", DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("[\"x\"]", List.of("x"), DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("[]", List.of(), DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("other letter case", "https://VEND.example",
                            DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("prefix of AUD", "https://vend.exampl",
                            DenialReason.AUDIENCE_MISMATCH),
                    Arguments.of("123", 123, DenialReason.MALFORMED_TOKEN),
                    Arguments.of("{\"0\":\"AUD\"}", Map.of("0", AUD), DenialReason.MALFORMED_TOKEN),
                    Arguments.of("[\"AUD\",5]", Arrays.asList(AUD, 5),
                            DenialReason.MALFORMED_TOKEN),
                    Arguments.of("null", null, DenialReason.MALFORMED_TOKEN));
        }

        @ParameterizedTest(name = "BUG-07 aud {0} -> {2}")
        @MethodSource("audiences")
        void verifyWhenAudienceHasThisShapeThenOnlyExactStringMatchPasses(String name, Object aud,
                DenialReason expected) {
            var builder = fileToken(FILE_ISS);
            if (aud == ABSENT) {
                builder.withoutClaim("aud");
            } else {
                builder.claim("aud", aud);
            }
            String token = builder.sign();

            if (expected == null) {
                assertThat(verify(token).issuerId()).isEqualTo("test-file");
            } else {
                assertDenied(() -> verify(token), expected);
            }
        }

        @Test
        @DisplayName("BUG-07 P0: an entry with no audiences denies every token")
        void verifyWhenEntryHasNoAudiencesThenDeniesEveryAudience() {
            // The registry refuses `audiences: []` at start (IssuerRegistryTest); an entry built
            // in code without audiences must still deny rather than accept any audience.
            var entry = new IssuerConfig("bare", FILE_ISS, IssuerPreset.GENERIC_OIDC, List.of(),
                    Set.of("RS256"), Duration.ofSeconds(30), Duration.ofHours(1),
                    new KeySource.JwksFile(dir.resolve("issuer.jwks.json")), false, List.of(),
                    false, false, null, Map.of());
            var registry = IssuerRegistry.of(List.of(entry));
            var oidc = new OidcVerifier(new OidcVerifierConfig(keysFor(registry), singleUse,
                    clock));
            var bare = new VerifierRegistry(registry, List.of(oidc));

            for (Object aud : List.of(AUD, List.of(AUD), "", List.of())) {
                String token = fileToken(FILE_ISS).claim("aud", aud).sign();
                assertDenied(() -> bare.verify(new Attestation(TokenTypes.JWT, token)),
                        DenialReason.AUDIENCE_MISMATCH);
            }
        }
    }

    @Nested
    @DisplayName("BUG-08 missing, saturated or future time claims; one 30 s leeway")
    class Bug08 {

        @Test
        @DisplayName("BUG-08 1: no exp")
        void verifyWhenNoExpThenDeniesMissingClaim() {
            String token = fileToken(FILE_ISS).withoutClaim("exp").sign();

            assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
        }

        @ParameterizedTest(name = "BUG-08 2/3: exp {0}")
        @ValueSource(strings = {"100000000000000000000", "\"9999999999\"", "-1",
            "1700000000.5", "9223372036854775808"})
        void verifyWhenExpSaturatedOrNotWholeSecondsThenDeniesMalformedToken(String exp) {
            String token = TestJws.withRawClaim(fileToken(FILE_ISS), "exp", exp, RSA);

            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
        }

        @Test
        @DisplayName("BUG-08 4: iat an hour ahead")
        void verifyWhenIatAnHourAheadThenDeniesIssuedInFuture() {
            Instant now = clock.instant();
            String token = fileToken(FILE_ISS).issuedAt(now.plusSeconds(3600))
                    .expiresAt(now.plusSeconds(3900)).sign();

            assertDenied(() -> verify(token), DenialReason.ISSUED_IN_FUTURE);
        }

        @Test
        @DisplayName("BUG-08 4: iat just inside and just outside the leeway")
        void verifyWhenIatAtLeewayBoundaryThenAcceptedInsideDeniedOutside() {
            Instant now = clock.instant();

            verify(fileToken(FILE_ISS).issuedAt(now.plusSeconds(30)).sign());
            String outside = fileToken(FILE_ISS).issuedAt(now.plusSeconds(31)).sign();
            assertDenied(() -> verify(outside), DenialReason.ISSUED_IN_FUTURE);
        }

        @Test
        @DisplayName("BUG-08 5: nbf NOW+30 accepted inside the 30 s leeway, NOW+31 not")
        void verifyWhenNbfAtLeewayBoundaryThenAcceptedInsideDeniedOutside() {
            Instant now = clock.instant();

            verify(fileToken(FILE_ISS).notBefore(now.plusSeconds(30)).sign());
            String outside = fileToken(FILE_ISS).notBefore(now.plusSeconds(31)).sign();
            assertDenied(() -> verify(outside), DenialReason.NOT_YET_VALID);
        }

        @Test
        @DisplayName("BUG-08 6: nbf NOW+600")
        void verifyWhenNbfTenMinutesAheadThenDeniesNotYetValid() {
            String token = fileToken(FILE_ISS).notBefore(clock.instant().plusSeconds(600)).sign();

            assertDenied(() -> verify(token), DenialReason.NOT_YET_VALID);
        }

        @Test
        @DisplayName("BUG-08 7: exp NOW-30 accepted inside the 30 s leeway, NOW-31 not")
        void verifyWhenExpAtLeewayBoundaryThenAcceptedInsideDeniedOutside() {
            Instant now = clock.instant();
            Instant iat = now.minusSeconds(300);

            verify(fileToken(FILE_ISS).issuedAt(iat).expiresAt(now.minusSeconds(30)).sign());
            String outside = fileToken(FILE_ISS).issuedAt(iat).expiresAt(now.minusSeconds(31))
                    .sign();
            assertDenied(() -> verify(outside), DenialReason.EXPIRED);
        }

        @Test
        @DisplayName("BUG-08 8: exp NOW-300")
        void verifyWhenExpiredFiveMinutesAgoThenDeniesExpired() {
            Instant now = clock.instant();
            String token = fileToken(FILE_ISS).issuedAt(now.minusSeconds(600))
                    .expiresAt(now.minusSeconds(300)).sign();

            assertDenied(() -> verify(token), DenialReason.EXPIRED);
        }

        @Test
        @DisplayName("BUG-08 9: a 30-day lifetime exceeds the entry's maximum token age")
        void verifyWhenLifetimeLongerThanMaxTokenAgeThenDeniesTooOld() {
            Instant now = clock.instant();
            String token = fileToken(FILE_ISS).issuedAt(now.minusSeconds(10))
                    .expiresAt(now.plus(Duration.ofDays(30))).sign();

            assertDenied(() -> verify(token), DenialReason.TOO_OLD);
        }

        @Test
        @DisplayName("BUG-08: the same token flips from accepted to expired as the clock moves")
        void verifyWhenClockPassesExpPlusLeewayThenDeniesExpired() {
            String token = fileToken(FILE_ISS).sign();
            verify(token);

            clock.advance(Duration.ofSeconds(300 + 31));

            assertDenied(() -> verify(token), DenialReason.EXPIRED);
        }

        @Test
        @DisplayName("BUG-08 9: lifetime exactly the maximum token age, and one second over")
        void verifyWhenLifetimeAtMaxTokenAgeBoundaryThenAcceptedAtMostDeniedOver() {
            Instant now = clock.instant();
            Duration max = IssuerRegistry.DEFAULT_MAX_TOKEN_AGE;
            String atMax = fileToken(FILE_ISS).issuedAt(now).expiresAt(now.plus(max)).sign();
            String over = fileToken(FILE_ISS).issuedAt(now)
                    .expiresAt(now.plus(max).plusSeconds(1)).sign();

            assertThat(verify(atMax).issuerId()).isEqualTo("test-file");
            assertDenied(() -> verify(over), DenialReason.TOO_OLD);
        }

        @Test
        @DisplayName("BUG-08 9: without iat the lifetime counts from now")
        void verifyWhenNoIatAndExpBeyondMaxTokenAgeFromNowThenDeniesTooOld() {
            Instant now = clock.instant();
            Duration max = IssuerRegistry.DEFAULT_MAX_TOKEN_AGE;
            String within = fileToken(FILE_ISS).withoutClaim("iat").expiresAt(now.plus(max))
                    .sign();
            String beyond = fileToken(FILE_ISS).withoutClaim("iat")
                    .expiresAt(now.plus(max).plusSeconds(1)).sign();

            assertThat(verify(within).issuerId()).isEqualTo("test-file");
            assertDenied(() -> verify(beyond), DenialReason.TOO_OLD);
        }

        @Test
        @DisplayName("BUG-08: age is bounded by lifetime and expiry; no separate age check")
        void verifyWhenTokenAsOldAsMaxAgePlusLeewayThenAcceptedAndOneSecondOlderExpired() {
            // The age check that ClaimChecks once had could never fire: a token within the
            // maximum lifetime and not expired is at most max age plus leeway old. These two
            // tokens sit on that bound, and the older one is refused as expired, not too old.
            Instant now = clock.instant();
            Duration max = IssuerRegistry.DEFAULT_MAX_TOKEN_AGE;
            Duration leeway = IssuerRegistry.DEFAULT_LEEWAY;
            Instant iat = now.minus(max).minus(leeway);
            String oldest = fileToken(FILE_ISS).issuedAt(iat).expiresAt(iat.plus(max)).sign();
            Instant older = iat.minusSeconds(1);
            String tooOld = fileToken(FILE_ISS).issuedAt(older).expiresAt(older.plus(max))
                    .sign();

            assertThat(verify(oldest).issuerId()).isEqualTo("test-file");
            assertDenied(() -> verify(tooOld), DenialReason.EXPIRED);
        }
    }

    @Nested
    @DisplayName("BUG-09 unsigned tokens and algorithm confusion")
    class Bug09 {

        @ParameterizedTest(name = "BUG-09 A: alg {0}, empty signature")
        @ValueSource(strings = {"none", "NONE", "None"})
        void verifyWhenAlgNoneWithEmptySignatureThenDeniesMalformedToken(String alg) {
            String token = TestJws.compact("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}",
                    githubToken().payloadJson(), "");

            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
        }

        @ParameterizedTest(name = "BUG-09 A: alg {0}, junk signature")
        @ValueSource(strings = {"none", "NONE", "None"})
        void verifyWhenAlgNoneWithJunkSignatureThenDeniesUnsupportedAlgorithm(String alg) {
            String token = TestJws.compact("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}",
                    githubToken().payloadJson(), TestJws.b64("signature"));

            assertDenied(() -> verify(token), DenialReason.UNSUPPORTED_ALGORITHM);
        }

        static Stream<Arguments> publicKeyAsHmacSecret() throws Exception {
            byte[] der = RSA.toRSAPublicKey().getEncoded();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der)
                    + "\n-----END PUBLIC KEY-----\n";
            String jwk = RSA.toPublicJWK().toJSONString();
            return Stream.of(
                    Arguments.of("PEM text", pem.getBytes(StandardCharsets.US_ASCII)),
                    Arguments.of("JWK JSON", jwk.getBytes(StandardCharsets.UTF_8)),
                    Arguments.of("DER bytes", der));
        }

        @ParameterizedTest(name = "BUG-09 B: HS256 keyed with the issuer's public key as {0}")
        @MethodSource("publicKeyAsHmacSecret")
        void verifyWhenHs256KeyedWithPublicKeyThenDeniesUnsupportedAlgorithm(String name,
                byte[] secret) {
            var hmacKey = new OctetSequenceKey.Builder(secret).build();
            for (var builder : List.of(fileToken(FILE_ISS), githubToken(), token())) {
                String header = "{\"alg\":\"HS256\",\"kid\":\"" + RSA.getKeyID()
                        + "\",\"typ\":\"JWT\"}";
                String token = TestTokens.signRaw(header, builder.payloadJson(), hmacKey);

                assertDenied(() -> verify(token), DenialReason.UNSUPPORTED_ALGORITHM);
            }
        }

        @Test
        @DisplayName("BUG-09 C: RS256 for an ES256-only issuer, signed by a key its JWKS holds")
        void verifyWhenRs256ForEs256OnlyIssuerThenDeniesUnsupportedAlgorithm() {
            String token = fileToken(ES_ONLY_ISS).sign(RSA);
            String evil = fileToken(ES_ONLY_ISS).keyId(EVIL.getKeyID()).sign(EVIL);

            assertDenied(() -> verify(token), DenialReason.UNSUPPORTED_ALGORITHM);
            assertDenied(() -> verify(evil), DenialReason.UNSUPPORTED_ALGORITHM);
            assertThat(verify(fileToken(ES_ONLY_ISS).sign(EC)).issuerId()).isEqualTo("es-only");
        }

        @Test
        @DisplayName("BUG-09: PS256 signed with the issuer's RS256 key is not an accepted alg")
        void verifyWhenAlgorithmNotInEntryListThenDeniesUnsupportedAlgorithm() {
            String token = fileToken(FILE_ISS).algorithm(JWSAlgorithm.PS256).sign();

            assertDenied(() -> verify(token), DenialReason.UNSUPPORTED_ALGORITHM);
        }
    }

    @Nested
    @DisplayName("BUG-10 ECDSA psychic signatures")
    class Bug10 {

        static final String P256_ORDER =
                "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

        static Stream<Arguments> signatures() {
            byte[] order = HexFormat.of().parseHex(P256_ORDER);
            byte[] rn = new byte[64];
            System.arraycopy(order, 0, rn, 0, 32);
            System.arraycopy(order, 0, rn, 32, 32);
            byte[] rsOne = new byte[64];
            rsOne[31] = 1;
            rsOne[63] = 1;
            return Stream.of(
                    Arguments.of("A: 64 zero bytes", TestJws.b64(new byte[64])),
                    Arguments.of("B: DER SEQUENCE of two zero INTEGERs", "MAYCAQACAQA"),
                    Arguments.of("C: r = s = n", TestJws.b64(rn)),
                    Arguments.of("r = s = 1", TestJws.b64(rsOne)),
                    Arguments.of("one zero byte", "AA"));
        }

        @ParameterizedTest(name = "BUG-10 {0}")
        @MethodSource("signatures")
        void verifyWhenEs256SignatureIsDegenerateThenDeniesBadSignature(String name,
                String signature) {
            String header = "{\"alg\":\"ES256\",\"kid\":\"" + EC.getKeyID() + "\",\"typ\":\"JWT\"}";
            String payload = issuer.token(EC).clock(clock).subject("admin").audience(AUD)
                    .payloadJson();

            assertDenied(() -> verify(TestJws.compact(header, payload, signature)),
                    DenialReason.BAD_SIGNATURE);
        }

        @Test
        @DisplayName("BUG-10 control: the same EC key's real signature verifies")
        void verifyWhenEs256SignatureIsRealThenAccepted() {
            String token = issuer.token(EC).clock(clock).subject("admin").audience(AUD).sign();

            assertThat(verify(token).immutableId()).isEqualTo("admin");
        }
    }

    @Nested
    @DisplayName("BUG-11 keys never come from the token header; kid is only a lookup key")
    class Bug11 {

        @BeforeEach
        void warmUp() {
            verify(token().sign());
            issuer.resetCounters();
        }

        static Stream<Arguments> headerKeys() throws Exception {
            return Stream.of(
                    Arguments.of("A: jwk", "jwk", EVIL.toPublicJWK().toJSONObject()),
                    Arguments.of("B: jku", "jku", "ATTACKER_JWKS"),
                    Arguments.of("C: x5u", "x5u", "ATTACKER_JWKS"),
                    Arguments.of("C: x5u metadata", "x5u",
                            "http://169.254.169.254/latest/meta-data/"),
                    Arguments.of("D: x5c", "x5c", List.of(selfSignedCertificate(EVIL).toString())));
        }

        @ParameterizedTest(name = "BUG-11 {0} with the issuer's kid")
        @MethodSource("headerKeys")
        void verifyWhenHeaderCarriesAttackerKeyThenDeniesBadSignatureWithoutFetching(
                String name, String parameter, Object value) {
            Object headerValue = "ATTACKER_JWKS".equals(value)
                    ? attacker.jwksUri().toString() : value;
            String token = token().keyId(RSA.getKeyID()).header(parameter, headerValue)
                    .sign(EVIL);

            assertDenied(() -> verify(token), DenialReason.BAD_SIGNATURE);
            assertNoFetchBeyondIssuer();
        }

        @ParameterizedTest(name = "BUG-11 {0} with the attacker's kid")
        @MethodSource("headerKeys")
        void verifyWhenHeaderCarriesAttackerKeyAndKidThenDeniesUnknownKey(String name,
                String parameter, Object value) {
            Object headerValue = "ATTACKER_JWKS".equals(value)
                    ? attacker.jwksUri().toString() : value;
            String token = token().header(parameter, headerValue).sign(EVIL);

            assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);
            assertNoFetchBeyondIssuer();
        }

        @ParameterizedTest(name = "BUG-11 {0} without kid")
        @MethodSource("headerKeys")
        void verifyWhenHeaderCarriesAttackerKeyWithoutKidThenDeniesBadSignature(String name,
                String parameter, Object value) {
            Object headerValue = "ATTACKER_JWKS".equals(value)
                    ? attacker.jwksUri().toString() : value;
            String token = token().withoutHeader("kid").header(parameter, headerValue)
                    .sign(EVIL);

            assertDenied(() -> verify(token), DenialReason.BAD_SIGNATURE);
            assertNoFetchBeyondIssuer();
        }

        static Stream<Arguments> kids() {
            return Stream.of(
                    Arguments.of("path traversal", "../../../../dev/null",
                            DenialReason.UNKNOWN_KEY),
                    Arguments.of("SQL", "' OR '1'='1", DenialReason.UNKNOWN_KEY),
                    Arguments.of("NUL", "k1\u0000", DenialReason.UNKNOWN_KEY),
                    Arguments.of("the issuer's kid with a NUL", RSA.getKeyID() + "\u0000",
                            DenialReason.UNKNOWN_KEY),
                    Arguments.of("300 characters", "k".repeat(300), DenialReason.MALFORMED_TOKEN),
                    Arguments.of("10,000 characters", "k".repeat(10_000),
                            DenialReason.MALFORMED_TOKEN),
                    Arguments.of("object {\"$ne\":null}", Collections.singletonMap("$ne", null),
                            DenialReason.MALFORMED_TOKEN),
                    Arguments.of("number", 1, DenialReason.MALFORMED_TOKEN),
                    Arguments.of("null", null, DenialReason.MALFORMED_TOKEN));
        }

        @ParameterizedTest(name = "BUG-11 E: kid {0}")
        @MethodSource("kids")
        void verifyWhenKidIsHostileThenDenied(String name, Object kid, DenialReason expected) {
            String token = token().header("kid", kid).sign(EVIL);

            assertDenied(() -> verify(token), expected);
            assertNoFetchBeyondIssuer();
            assertThat(issuer.discoveryFetches()).isLessThanOrEqualTo(1);
            assertThat(issuer.jwksFetches()).isLessThanOrEqualTo(1);
        }

        @Test
        @DisplayName("BUG-11 E: ten hostile kids in one cooldown cause at most one refetch")
        void verifyWhenManyHostileKidsThenAtMostOneRefetch() {
            for (int i = 0; i < 10; i++) {
                String token = token().keyId("../../" + i).sign(EVIL);
                assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);
            }

            assertThat(issuer.jwksFetches()).isLessThanOrEqualTo(1);
        }

        private void assertNoFetchBeyondIssuer() {
            assertThat(attacker.discoveryFetches()).isZero();
            assertThat(attacker.jwksFetches()).isZero();
        }
    }

    @Nested
    @DisplayName("BUG-12 crit and b64 are refused before verifying")
    class Bug12 {

        static Stream<Arguments> criticalHeaders() {
            return Stream.of(
                    Arguments.of("A: unknown extension",
                            Map.of("crit", List.of("http://example.test/ext"),
                                    "http://example.test/ext", true)),
                    Arguments.of("B: b64 false", Map.of("crit", List.of("b64"), "b64", false)),
                    Arguments.of("C: empty crit", Map.of("crit", List.of())),
                    Arguments.of("D: crit names a claim", Map.of("crit", List.of("exp"))),
                    Arguments.of("b64 true without crit", Map.of("b64", true)));
        }

        @ParameterizedTest(name = "BUG-12 {0}")
        @MethodSource("criticalHeaders")
        void verifyWhenHeaderHasCritOrB64ThenDeniesUnsupportedCriticalHeader(String name,
                Map<String, Object> header) {
            var builder = token();
            header.forEach(builder::header);
            String token = builder.sign();

            assertDenied(() -> verify(token), DenialReason.UNSUPPORTED_CRITICAL_HEADER);
        }
    }

    @Nested
    @DisplayName("BUG-14 hostile token text never crashes the verifier")
    class Bug14 {

        @Test
        @Timeout(10)
        @DisplayName("BUG-14 A: 20,000-deep nesting")
        void verifyWhenPayloadNestedTwentyThousandDeepThenDeniesWithoutStackOverflow() {
            String payload = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
            String token = TestTokens.signRaw("{\"alg\":\"RS256\"}", payload, RSA);

            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
        }

        @Test
        @Timeout(10)
        @DisplayName("BUG-14 A: 4,000-deep nesting that fits under the size cap")
        void verifyWhenClaimNestedDeeplyUnderSizeCapThenDeniesMalformedToken() {
            String nested = "[".repeat(4_000) + "1" + "]".repeat(4_000);
            String token = TestJws.withRawClaim(fileToken(FILE_ISS), "deep", nested, RSA);

            assertThat(token.length()).isLessThan(12 * 1024);
            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
        }

        static Stream<Arguments> malformedTexts() {
            String good = fileToken(FILE_ISS, MutableClock.atWholeSecondNow()).sign();
            String[] parts = good.split("\\.");
            return Stream.of(
                    Arguments.of("truncated header", "eyJhbGciOiJSUzI1NiI." + parts[1] + "."
                            + parts[2]),
                    Arguments.of("2 segments", parts[0] + "." + parts[1]),
                    Arguments.of("4 segments", good + "." + parts[2]),
                    Arguments.of("'+' in a segment", parts[0] + "." + parts[1] + "."
                            + parts[2].replace('-', '+').replace('_', '+') + "+"),
                    Arguments.of("'/' in a segment", parts[0] + "." + parts[1] + "/." + parts[2]),
                    Arguments.of("'=' padding", parts[0] + "=." + parts[1] + "." + parts[2]),
                    Arguments.of("space in a segment", parts[0] + " ." + parts[1] + "." + parts[2]),
                    Arguments.of("leading space", " " + good),
                    Arguments.of("trailing newline", good + "\n"),
                    Arguments.of("empty", ""),
                    Arguments.of("only dots", ".."));
        }

        @ParameterizedTest(name = "BUG-14 B: {0}")
        @MethodSource("malformedTexts")
        void verifyWhenTokenTextIsMalformedThenDeniesMalformedToken(String name, String token) {
            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
        }

        @Test
        @DisplayName("BUG-14 B: invalid UTF-8 in a signed payload")
        void verifyWhenPayloadIsInvalidUtf8ThenDeniesMalformedToken() {
            byte[] header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8);
            byte[] prefix = ("{\"iss\":\"" + FILE_ISS + "\",\"sub\":\"")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] payload = Arrays.copyOf(prefix, prefix.length + 4);
            payload[prefix.length] = (byte) 0xC3;
            payload[prefix.length + 1] = (byte) 0x28;
            payload[prefix.length + 2] = '"';
            payload[prefix.length + 3] = '}';
            String token = TestJws.signBytes(header, payload, RSA);

            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
        }

        static Stream<Arguments> oddClaims() {
            return Stream.of(
                    Arguments.of("exp \"soon\"", "exp", "\"soon\""),
                    Arguments.of("exp 1.5e999", "exp", "1.5e999"),
                    Arguments.of("aud null", "aud", "null"),
                    Arguments.of("sub {\"x\":1}", "sub", "{\"x\":1}"),
                    Arguments.of("iss null", "iss", "null"),
                    Arguments.of("jti 7", "jti", "7"),
                    Arguments.of("nbf true", "nbf", "true"),
                    Arguments.of("iat []", "iat", "[]"));
        }

        @ParameterizedTest(name = "BUG-14 C: {0}")
        @MethodSource("oddClaims")
        void verifyWhenRegisteredClaimHasWrongTypeThenDeniesMalformedToken(String name,
                String claim, String rawJson) {
            // Regression: sub, jti and aud of the wrong JSON type were treated as absent, so a
            // github-actions token with "sub":{"x":1} verified.
            for (var builder : List.of(fileToken(FILE_ISS), githubToken())) {
                String token = TestJws.withRawClaim(builder, claim, rawJson, RSA);
                if ("iss".equals(claim)) {
                    // Without a string iss there is no issuer to look up.
                    assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
                } else {
                    assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
                }
            }
        }

        static Stream<Arguments> oddHeaderParameters() {
            return Stream.of(
                    Arguments.of("jwk", "\"text\""),
                    Arguments.of("jwk", "{}"),
                    Arguments.of("jwk", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\","
                            + "\"y\":\"AA\"}"),
                    Arguments.of("jwk", "{\"kty\":\"oct\",\"k\":\"AAAA\"}"),
                    Arguments.of("jwk", "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\","
                            + "\"d\":\"AQAB\"}"),
                    Arguments.of("x5c", "\"text\""),
                    Arguments.of("x5c", "[1]"),
                    Arguments.of("x5c", "[\"!!\"]"),
                    Arguments.of("x5u", "\"::not a uri\""),
                    Arguments.of("x5u", "5"),
                    Arguments.of("jku", "\"http://[bad\""),
                    Arguments.of("typ", "5"),
                    Arguments.of("cty", "{}"),
                    Arguments.of("x5t", "5"),
                    Arguments.of("x5t#S256", "[]"),
                    Arguments.of("enc", "\"A256GCM\""),
                    Arguments.of("zip", "\"DEF\""),
                    Arguments.of("alg", "[\"RS256\"]"));
        }

        @ParameterizedTest(name = "BUG-14 B: header {0} = {1}")
        @MethodSource("oddHeaderParameters")
        void verifyWhenHeaderParameterHasOddValueThenOnlyEverDenied(String name, String rawJson) {
            String header = "{\"alg\":\"RS256\",\"kid\":\"" + RSA.getKeyID() + "\",\""
                    + name + "\":" + rawJson + "}";
            if ("alg".equals(name)) {
                header = "{\"kid\":\"" + RSA.getKeyID() + "\",\"alg\":" + rawJson + "}";
            }
            String token = TestTokens.signRaw(header, fileToken(FILE_ISS).payloadJson(), RSA,
                    JWSAlgorithm.RS256);

            Throwable thrown = catchThrowable(() -> verify(token));

            // Either the header is refused, or it is ignored and the genuine signature verifies.
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(DenialException.class);
            }
        }

        @Test
        @DisplayName("BUG-14 C: sub of the wrong type under the preset whose id is not sub")
        void verifyWhenGithubSubIsObjectThenDeniesMalformedToken() {
            String token = githubToken().claim("sub", Map.of("x", 1)).sign();

            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
        }

        @Test
        @Timeout(10)
        @DisplayName("BUG-14 D: a 1 MiB token is refused by the size cap before parsing")
        void verifyWhenTokenIsOneMebibyteThenDeniesBySizeCapWithoutFetching() {
            String token = token().claim("pad", "a".repeat(1 << 20)).sign();

            assertDenied(() -> verify(token), DenialReason.MALFORMED_TOKEN);
            assertThat(issuer.discoveryFetches() + issuer.jwksFetches()).isZero();
        }

        @Test
        @DisplayName("BUG-14: after hostile input the next valid token still verifies")
        void verifyWhenHostileInputPrecedesThenNextValidTokenVerifies() {
            String deep = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
            assertDenied(() -> verify(TestTokens.signRaw("{\"alg\":\"RS256\"}", deep, RSA)),
                    DenialReason.MALFORMED_TOKEN);

            assertThat(verify(token().sign()).immutableId()).isEqualTo("svc-a");
        }
    }

    @Nested
    @DisplayName("BUG-15 encrypted tokens are refused before any key lookup")
    class Bug15 {

        static Stream<Arguments> jweHeaders() {
            return Stream.of(
                    Arguments.of("A: PBES2 with a huge p2c",
                            "{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\","
                                    + "\"p2c\":2147483647,\"p2s\":\"AAAAAAAAAAAAAAAAAAAAAA\"}"),
                    Arguments.of("B: dir with zip", "{\"alg\":\"dir\",\"enc\":\"A256GCM\","
                            + "\"zip\":\"DEF\"}"),
                    Arguments.of("C: nested JWT", "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\","
                            + "\"cty\":\"JWT\"}"));
        }

        @ParameterizedTest(name = "BUG-15 {0}")
        @MethodSource("jweHeaders")
        @Timeout(5)
        void verifyWhenJweThenDeniesUnsupportedTokenFormWithoutKeyLookup(String name,
                String header) {
            String token = TestJws.b64(header) + "." + TestJws.b64("key") + "."
                    + TestJws.b64("iv-iv-iv-iv") + "." + TestJws.b64("ciphertext") + "."
                    + TestJws.b64("tag-tag-tag-tag");

            assertDenied(() -> verify(token), DenialReason.UNSUPPORTED_TOKEN_FORM);
            assertThat(issuer.discoveryFetches()).isZero();
            assertThat(issuer.jwksFetches()).isZero();
        }
    }

    @Nested
    @DisplayName("BUG-19 discovery and issuer strings fail closed")
    class Bug19 {

        @Test
        @DisplayName("BUG-19: discovery names another issuer")
        void verifyWhenDiscoveryNamesAnotherIssuerThenFailsClosed() {
            issuer.overrideDiscoveryIssuer("https://other.example");

            assertFailsClosed(token().sign());
            assertThat(issuer.jwksFetches()).isZero();
        }

        @Test
        @DisplayName("BUG-19: discovery names the issuer with a trailing slash")
        void verifyWhenDiscoveryIssuerHasTrailingSlashThenFailsClosed() {
            issuer.overrideDiscoveryIssuer(issuer.issuer() + "/");

            assertFailsClosed(token().sign());
            assertThat(issuer.jwksFetches()).isZero();
        }

        static Stream<Arguments> jwksUris() {
            return Stream.of(
                    Arguments.of("another host", "https://attacker.example/.well-known/jwks"),
                    Arguments.of("http", "http://localhost:PORT/.well-known/jwks"),
                    Arguments.of("private IP literal", "http://10.0.0.5/jwks"),
                    Arguments.of("loopback IP literal", "https://127.0.0.1:PORT/.well-known/jwks"),
                    Arguments.of("user info", "https://user@localhost:PORT/.well-known/jwks"),
                    Arguments.of("another port of the issuer's host", "ATTACKER_JWKS"),
                    Arguments.of("not a URL", "https://exa mple/jwks"),
                    Arguments.of("empty", ""));
        }

        @ParameterizedTest(name = "BUG-19: jwks_uri {0}")
        @MethodSource("jwksUris")
        void verifyWhenDiscoveryJwksUriBreaksRulesThenFailsClosedWithoutFetchingIt(String name,
                String uri) {
            String jwksUri = "ATTACKER_JWKS".equals(uri) ? attacker.jwksUri().toString()
                    : uri.replace("PORT", String.valueOf(issuer.port()));
            issuer.overrideJwksUri(jwksUri);
            // The attacker's key would verify this token if its JWKS were ever fetched.
            String token = token().keyId(EVIL.getKeyID()).sign(EVIL);

            assertFailsClosed(token);
            assertThat(issuer.jwksFetches()).isZero();
            assertThat(attacker.jwksFetches()).isZero();
        }

        @Test
        @DisplayName("BUG-19: the issuer is on a private address the entry does not allow")
        void verifyWhenIssuerResolvesToPrivateAddressAndNotAllowedThenFailsClosed() {
            verifiers = stack(registryYaml(false));

            assertFailsClosed(token().sign());
            assertThat(issuer.discoveryFetches() + issuer.jwksFetches()).isZero();
        }

        @Test
        @DisplayName("BUG-19: discovery answers 302 to the metadata service")
        void verifyWhenDiscoveryRedirectsThenFailsClosedWithoutFollowing() {
            issuer.redirect(TestOidcIssuer.Endpoint.DISCOVERY,
                    "http://169.254.169.254/latest/meta-data/");

            assertFailsClosed(token().sign());
            assertThat(issuer.jwksFetches()).isZero();
        }

        @Test
        @DisplayName("BUG-19: the JWKS answers 302 to another JWKS")
        void verifyWhenJwksRedirectsThenFailsClosedWithoutFollowing() {
            issuer.redirect(TestOidcIssuer.Endpoint.JWKS, attacker.jwksUri().toString());

            assertFailsClosed(token().keyId(EVIL.getKeyID()).sign(EVIL));
            assertThat(attacker.jwksFetches()).isZero();
        }

        @Test
        @DisplayName("BUG-19: the JWKS answers 500")
        void verifyWhenJwksFailsThenFailsClosed() {
            issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 500);

            assertFailsClosed(token().sign());
        }

        @ParameterizedTest(name = "BUG-19: discovery body {0}")
        @ValueSource(strings = {"<html>hello</html>", "", "[]", "null", "{\"issuer\":5}",
            "{\"issuer\":\"ISS\",\"jwks_uri\":7}", "{\"issuer\":\"ISS\"}"})
        void verifyWhenDiscoveryIsNotUsableJsonThenFailsClosed(String body) {
            issuer.overrideBody(TestOidcIssuer.Endpoint.DISCOVERY,
                    body.replace("ISS", issuer.issuer()));

            assertFailsClosed(token().sign());
            assertThat(issuer.jwksFetches()).isZero();
        }

        @ParameterizedTest(name = "BUG-19: iss with {0}")
        @ValueSource(strings = {"trailing slash", "host in upper case", "http"})
        void verifyWhenIssDiffersFromEntryByAnyByteThenDeniesUntrustedIssuer(String variant) {
            String iss = switch (variant) {
                case "trailing slash" -> issuer.issuer() + "/";
                case "host in upper case" -> issuer.issuer().replace("localhost", "LOCALHOST");
                default -> issuer.issuer().replace("https:", "http:");
            };
            String token = token().issuer(iss).sign();

            assertDenied(() -> verify(token), DenialReason.UNTRUSTED_ISSUER);
            assertThat(issuer.discoveryFetches() + issuer.jwksFetches()).isZero();
        }

        @Test
        @DisplayName("BUG-19: a failed refetch for an unknown kid leaves no fetch detail")
        void verifyWhenRefetchForUnknownKidFailsThenDenialDetailNamesNoUrl() {
            verify(token().sign());
            issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, 500);
            clock.advance(Duration.ofMinutes(2));
            String token = token().keyId("rotated-away").sign();

            var denial = assertDenied(() -> verify(token), DenialReason.UNKNOWN_KEY);

            assertThat(issuer.jwksFetches()).isEqualTo(2);
            assertThat(denial.detail()).doesNotContain("://", "localhost", "500",
                    String.valueOf(issuer.port()));
        }

        private void assertFailsClosed(String token) {
            VendingFailure failure = assertFailure(() -> verify(token), FailureKind.TRANSIENT);
            // What failed stays in the operator's log: no URL, host or port in the failure.
            assertThat(failure.getMessage()).doesNotContain("://", "localhost",
                    String.valueOf(issuer.port()));
        }
    }

    @Nested
    @DisplayName("BUG-24 Kubernetes service-account tokens")
    class Bug24 {

        @Test
        @DisplayName("BUG-24 A: the API-server audience is refused")
        void verifyWhenKubernetesTokenForApiServerThenDeniesAudienceMismatch() {
            String token = k8sToken().audiences("https://kubernetes.default.svc").sign();

            assertDenied(() -> verify(token), DenialReason.AUDIENCE_MISMATCH);
        }

        @Test
        @DisplayName("BUG-24 A: an entry may not accept the API-server audience without opt-in")
        void fromDocumentWhenKubernetesEntryAcceptsApiServerAudienceThenRefusedAtStart() {
            String yaml = k8sOnlyYaml("audiences: ['https://kubernetes.default.svc']");

            assertThatThrownBy(() -> TestRegistries.fromYaml(yaml, dir))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("allowSharedAudiences");
        }

        @Test
        @DisplayName("BUG-24 A: an entry that opts in explicitly accepts it")
        void verifyWhenEntryAllowsApiServerAudienceExplicitlyThenAccepted() {
            verifiers = stack(k8sOnlyYaml("audiences: ['https://kubernetes.default.svc']",
                    "allowSharedAudiences: true"));
            String token = k8sToken().audiences("https://kubernetes.default.svc").sign();

            assertThat(verify(token).issuerId()).isEqualTo("k8s");
        }

        @Test
        @DisplayName("BUG-24 B: legacy secret-based token (its own iss, no exp)")
        void verifyWhenLegacyServiceAccountTokenThenDeniesUntrustedIssuer() {
            String token = TestTokens.signedWith(RSA).clock(clock)
                    .issuer("kubernetes/serviceaccount")
                    .subject("system:serviceaccount:prod:deployer")
                    .claim("kubernetes.io/serviceaccount/namespace", "prod")
                    .claim("kubernetes.io/serviceaccount/service-account.name", "deployer")
                    .withoutClaim("exp")
                    .sign();

            assertDenied(() -> verify(token), DenialReason.UNTRUSTED_ISSUER);
        }

        @Test
        @DisplayName("BUG-24 B: a token without exp from the registered cluster")
        void verifyWhenKubernetesTokenHasNoExpThenDeniesMissingClaim() {
            String token = k8sToken().withoutClaim("exp").sign();

            assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
        }

        @Test
        @DisplayName("BUG-24 C: projected token for our audience is accepted, and may be reused")
        void verifyWhenProjectedTokenForOurAudienceThenAcceptedAndReusable() {
            String token = k8sToken().lifetime(Duration.ofMinutes(10)).sign();

            VerifiedIdentity first = verify(token);
            VerifiedIdentity second = verify(token);

            assertThat(first.immutableId()).isEqualTo("5e1f-uid");
            assertThat(first.vendSubject()).isEqualTo("oidc:k8s:5e1f-uid");
            assertThat(first.attribute("namespace")).contains(new AttributeValue.Str("prod"));
            assertThat(first.attribute("service_account"))
                    .contains(new AttributeValue.Str("deployer"));
            assertThat(first.attribute("pod")).contains(new AttributeValue.Str("web-1"));
            assertThat(second).isEqualTo(first);
        }

        @Test
        @DisplayName("BUG-24: a projected token without the service-account uid")
        void verifyWhenKubernetesTokenLacksUidThenDeniesMissingClaim() {
            String token = k8sToken().claim("kubernetes.io", Map.of("namespace", "prod",
                    "serviceaccount", Map.of("name", "deployer"))).sign();

            assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
        }
    }

    @Nested
    @DisplayName("Replay of single-use CI tokens")
    class Replay {

        @Test
        void verifyWhenGithubTokenPresentedTwiceThenDeniesReplayed() {
            String token = githubToken().sign();
            verify(token);

            assertDenied(() -> verify(token), DenialReason.REPLAYED);
        }

        @Test
        void verifyWhenAnotherGithubTokenReusesJtiThenDeniesReplayed() {
            verify(githubToken().jwtId("run-1").sign());
            String second = githubToken().jwtId("run-1").claim("ref", "refs/heads/dev").sign();

            assertDenied(() -> verify(second), DenialReason.REPLAYED);
        }

        @Test
        void verifyWhenGithubTokenHasNoJtiThenDeniesMissingClaim() {
            String token = githubToken().withoutClaim("jti").sign();

            assertDenied(() -> verify(token), DenialReason.MISSING_CLAIM);
        }

        @Test
        void verifyWhenRefusedTokenIsRetriedThenItsJtiWasNotConsumed() {
            // A jti is consumed only after every other check passed.
            String early = githubToken().jwtId("run-2")
                    .notBefore(clock.instant().plusSeconds(120)).sign();
            assertDenied(() -> verify(early), DenialReason.NOT_YET_VALID);

            clock.advance(Duration.ofSeconds(120));

            assertThat(verify(early).immutableId()).isEqualTo("1001:123");
        }

        @Test
        void verifyWhenGenericIssuerTokenPresentedTwiceThenAccepted() {
            String token = fileToken(FILE_ISS).sign();

            verify(token);
            assertThat(verify(token).issuerId()).isEqualTo("test-file");
        }
    }

    // ---- fixture

    VerifiedIdentity verify(String token) {
        return verifiers.verify(new Attestation(TokenTypes.JWT, token));
    }

    /** A valid token of the discovery issuer, signed with its first RSA key. */
    TestTokens.Builder token() {
        return issuer.token().clock(clock).subject("svc-a").audience(AUD);
    }

    /** A valid token for an entry whose keys are the static JWKS file. */
    TestTokens.Builder fileToken(String iss) {
        return fileToken(iss, clock);
    }

    static TestTokens.Builder fileToken(String iss, Clock clock) {
        return TestTokens.signedWith(RSA).clock(clock).issuer(iss).subject("svc-a").audience(AUD);
    }

    TestTokens.Builder githubToken() {
        return TestTokens.signedWith(RSA).clock(clock).issuer(GITHUB_ISS).audience(AUD)
                .subject("repo:acme/app:ref:refs/heads/main")
                .claims(Map.of("repository", "acme/app", "repository_id", "123",
                        "repository_owner", "acme", "repository_owner_id", "1001",
                        "ref", "refs/heads/main", "event_name", "push"));
    }

    TestTokens.Builder k8sToken() {
        return TestTokens.signedWith(RSA).clock(clock).issuer(K8S_ISS).audiences(AUD)
                .subject("system:serviceaccount:prod:deployer")
                .claim("kubernetes.io", Map.of(
                        "namespace", "prod",
                        "serviceaccount", Map.of("name", "deployer", "uid", "5e1f-uid"),
                        "pod", Map.of("name", "web-1", "uid", "pod-uid")));
    }

    String registryYaml(boolean allowPrivateNetwork) {
        return """
                issuers:
                  - id: test
                    issuer: %s
                    discovery: true
                    allowPrivateNetwork: %s
                    algorithms: [RS256, ES256]
                    claims: {team: string, level: number, admin: boolean, groups: string_list}
                  - id: test-file
                    issuer: %s
                    jwksFile: issuer.jwks.json
                  - id: es-only
                    issuer: %s
                    jwksFile: issuer.jwks.json
                    algorithms: [ES256]
                  - id: typed
                    issuer: %s
                    jwksFile: issuer.jwks.json
                    expectedType: JWT
                  - id: github
                    issuer: %s
                    preset: github-actions
                    jwksFile: issuer.jwks.json
                  - id: k8s
                    issuer: %s
                    preset: kubernetes
                    jwksFile: issuer.jwks.json
                """.formatted(issuer.issuer(), allowPrivateNetwork, FILE_ISS, ES_ONLY_ISS,
                TYPED_ISS, GITHUB_ISS, K8S_ISS);
    }

    String k8sOnlyYaml(String... lines) {
        var yaml = new StringBuilder("""
                issuers:
                  - id: k8s
                    issuer: %s
                    preset: kubernetes
                    jwksFile: issuer.jwks.json
                """.formatted(K8S_ISS));
        for (String line : lines) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    VerifierRegistry stack(String yaml) {
        IssuerRegistry registry = TestRegistries.fromYaml(yaml, dir);
        var oidc = new OidcVerifier(new OidcVerifierConfig(keysFor(registry), singleUse, clock));
        return new VerifierRegistry(registry, List.of(oidc));
    }

    IssuerKeys keysFor(IssuerRegistry registry) {
        return IssuerKeys.forRegistry(registry, fetcher, clock, JwksCache.Timing.defaults());
    }

    static Base64 selfSignedCertificate(RSAKey key) throws Exception {
        var name = new X500Name("CN=attacker.example");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name,
                key.toRSAPublicKey());
        var signer = new JcaContentSignerBuilder("SHA256withRSA").build(key.toPrivateKey());
        var certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(signer));
        return Base64.encode(certificate.getEncoded());
    }
}
