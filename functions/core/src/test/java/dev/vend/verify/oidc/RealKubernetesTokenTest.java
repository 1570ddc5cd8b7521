// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.oidc;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.RealDocs;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JoseVerifiers;
import dev.vend.verify.JwksCache;
import dev.vend.verify.MutableClock;
import dev.vend.verify.StrictJws;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Genuine Kubernetes service-account tokens from realdocs/k8s-sa, read at test time (never copied
 * into the repository), against the verdicts of realdocs/k8s-sa/PROVENANCE.md and field case
 * BUG-24.
 *
 * <p>The genuine tokens appear at two layers only. At the <em>signature</em> layer they verify
 * (or, for the bad-key negative, do not) through the verifier path Vend uses: {@link StrictJws},
 * a Nimbus {@link JWSHeader} and {@link JoseVerifiers}, and {@link SignatureCheck} over a key
 * cache. At the <em>registry</em> layer their issuer, {@code kubernetes/serviceaccount}, can not
 * be registered, and their audience, the API server's, is refused for an https cluster entry
 * unless the entry opts in. The genuine tokens are never re-signed: why the whole pipeline refuses
 * tokens like them is shown with synthetic tokens of the same shape, signed here by test keys for
 * a registered https cluster issuer.
 */
class RealKubernetesTokenTest {

    private static final String VAULT = "k8s-sa/vault-k8s-minikube/";
    private static final String PROJECTED_01 =
            VAULT + "projected-01-minikube-2018-valid-until-2020-10-18.jwt";
    private static final String PROJECTED_02 =
            VAULT + "projected-02-minikube-2018-expired-2018-10-19.jwt";
    private static final String LEGACY_01 = VAULT + "legacy-01-minikube-2017-vault-auth.jwt";
    private static final String LEGACY_02 = VAULT + "legacy-02-minikube-2017-vault-invalid.jwt";
    private static final String LEGACY_04_ES384 = VAULT + "legacy-04-es384.jwt";
    private static final String BAD_KEY_03 = VAULT + "neg-legacy-03-bad-signing-key.jwt";
    private static final String BLOG_LEGACY =
            "k8s-sa/blog-minikube-2021/legacy-secret-token-minikube-2021.jwt";
    private static final String BLOG_JWKS = "k8s-sa/blog-minikube-2021/openid-v1-jwks.json";

    /** The minikube sa.pub that signed the 2018 projected tokens. */
    private static final String KEY_2018 = VAULT + "minikube-v1.12-sa.pub.pem";
    /** The 2017 minikube certificate whose key signed the legacy tokens (expired in 2018). */
    private static final String CERT_2017 = VAULT + "minikube-2017-sa-cert-rsa.pem";
    private static final String KEY_ES384 = VAULT + "es384-sa.pub.pem";
    /** An unrelated self-signed P-384 certificate. */
    private static final String CERT_EC_UNRELATED = VAULT + "ec-cert.pem";

    private static final String LEGACY_ISS = "kubernetes/serviceaccount";
    private static final String API_SERVER_AUD = "kubernetes.default.svc";
    /** The issuer of a modern kubeadm cluster (--service-account-issuer). */
    private static final String CLUSTER = "https://kubernetes.default.svc.cluster.local";
    /** An https issuer for the keys derived from the PEM files, so a key cache can hold them. */
    private static final String DERIVED = "https://minikube-derived.test";

    private static final RSAKey RSA = TestKeys.rsa2048();
    private static final ECKey P384 = TestKeys.freshEc(Curve.P_384);

    @TempDir
    Path dir;

    private MutableClock clock;

    @BeforeEach
    void setUp() throws Exception {
        clock = MutableClock.atWholeSecondNow();
        Files.writeString(dir.resolve("test-keys.jwks.json"),
                new JWKSet(List.of(RSA.toPublicJWK(), P384.toPublicJWK())).toString());
    }

    // ---- signature layer: genuine tokens, Vend's verifier path

    static Stream<Arguments> genuineSignatures() {
        return Stream.of(
                Arguments.of("projected-01", PROJECTED_01, KEY_2018),
                Arguments.of("projected-02", PROJECTED_02, KEY_2018),
                Arguments.of("legacy-01", LEGACY_01, CERT_2017),
                Arguments.of("legacy-02", LEGACY_02, CERT_2017),
                Arguments.of("legacy-04 ES384", LEGACY_04_ES384, KEY_ES384));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("genuineSignatures")
    void joseVerifierWhenGenuineTokenAndItsClusterKeyThenSignatureValid(String name, String token,
            String key) throws Exception {
        StrictJws jws = genuine(token);

        assertThat(verifierFor(readPublicKey(key))
                .verify(jwsHeader(jws), jws.signingInput(), Base64URL.encode(jws.signature())))
                .as("%s signature", name).isTrue();
    }

    static Stream<Arguments> invalidSignatures() {
        return Stream.of(
                Arguments.of("neg-legacy-03, signed by another key", BAD_KEY_03, CERT_2017),
                Arguments.of("legacy-04 against an unrelated P-384 key", LEGACY_04_ES384,
                        CERT_EC_UNRELATED),
                Arguments.of("projected-01 against the 2017 key", PROJECTED_01, CERT_2017));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSignatures")
    void joseVerifierWhenGenuineTokenAndWrongKeyThenSignatureInvalid(String name, String token,
            String key) throws Exception {
        StrictJws jws = genuine(token);

        assertThat(verifierFor(readPublicKey(key))
                .verify(jwsHeader(jws), jws.signingInput(), Base64URL.encode(jws.signature())))
                .as("%s signature", name).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {PROJECTED_01, PROJECTED_02, LEGACY_01, LEGACY_02, LEGACY_04_ES384})
    void signatureCheckWhenDerivedJwksHoldsClusterKeysThenGenuineTokenVerifies(String token)
            throws Exception {
        // The header checks and the key cache's candidate choice (an empty kid is no kid) run as
        // in OidcVerifier; only the claim checks, which the genuine iss can never reach, do not.
        IssuerConfig entry = derivedEntry();
        StrictJws jws = genuine(token);
        JWSHeader header = HeaderChecks.check(jws, entry);

        assertThatCode(() -> SignatureCheck.verify(jws, header, cacheFor(entry)))
                .doesNotThrowAnyException();
    }

    @Test
    void signatureCheckWhenGenuineTokenSignedByAnotherKeyThenDeniesBadSignature()
            throws Exception {
        IssuerConfig entry = derivedEntry();
        StrictJws jws = genuine(BAD_KEY_03);
        JWSHeader header = HeaderChecks.check(jws, entry);

        assertDenied(() -> SignatureCheck.verify(jws, header, cacheFor(entry)),
                DenialReason.BAD_SIGNATURE);
    }

    @Test
    void headerWhenGenuineEs384TokenThenKidIsTheRfc7638ThumbprintOfItsKey() throws Exception {
        var key = (ECPublicKey) readPublicKey(KEY_ES384);
        String thumbprint = new ECKey.Builder(Curve.P_384, key).build().computeThumbprint()
                .toString();

        assertThat(jwsHeader(genuine(LEGACY_04_ES384)).getKeyID()).isEqualTo(thumbprint);
    }

    @Test
    void signatureCheckWhenBlogTokenAndItsPublishedJwksThenVerifiesWithKeyChosenByKid()
            throws Exception {
        // Weaker provenance (PROVENANCE.md): a blog post's /openid/v1/jwks and a legacy token.
        IssuerConfig entry = registry("""
                issuers:
                  - id: blog
                    issuer: https://blog-minikube.test
                    preset: kubernetes
                    jwksFile: %s
                """.formatted(RealDocs.resolve(BLOG_JWKS))).byId("blog").orElseThrow();
        StrictJws jws = genuine(BLOG_LEGACY);
        JWSHeader header = HeaderChecks.check(jws, entry);
        JwksCache cache = cacheFor(entry);

        assertThat(cache.candidates(header.getKeyID(), header.getAlgorithm()))
                .extracting(JWK::getKeyID).containsExactly(header.getKeyID());
        assertThatCode(() -> SignatureCheck.verify(jws, header, cache))
                .doesNotThrowAnyException();
    }

    // ---- registry layer: genuine tokens

    @Test
    void fromDocumentWhenEntryNamesTheGenuineTokensIssuerThenRefusedAsNotHttps() {
        Set<String> issuers = new TreeSet<>();
        for (String token : allGenuine()) {
            issuers.add(genuine(token).claimString("iss"));
        }
        assertThat(issuers).containsExactly(LEGACY_ISS);

        assertThatThrownBy(() -> registry("""
                issuers:
                  - id: minikube
                    issuer: %s
                    preset: kubernetes
                    jwksFile: test-keys.jwks.json
                """.formatted(LEGACY_ISS)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("issuers[0]: issuer must be an https URL");
    }

    @Test
    void fromDocumentWhenClusterEntryAcceptsGenuineApiServerAudienceThenRefusedUnlessOptedIn() {
        Set<String> audiences = new TreeSet<>();
        for (String token : List.of(PROJECTED_01, PROJECTED_02)) {
            genuine(token).claims().get("aud").forEach(aud -> audiences.add(aud.asText()));
        }
        assertThat(audiences).containsExactly(API_SERVER_AUD);
        String entry = clusterYaml("audiences: [" + API_SERVER_AUD + "]");

        assertThatThrownBy(() -> registry(entry))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("audience kubernetes.default.svc is shared");
        IssuerConfig optedIn = registry(entry + "    allowSharedAudiences: true\n")
                .byId("cluster").orElseThrow();
        assertThat(optedIn.audiences()).containsExactly(API_SERVER_AUD);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {PROJECTED_01, PROJECTED_02, LEGACY_01, LEGACY_02, LEGACY_04_ES384,
        BAD_KEY_03, BLOG_LEGACY})
    void verifyWhenGenuineTokenPresentedThenDeniesUntrustedIssuer(String token) {
        // Whatever https issuers are registered, the genuine iss is none of them, nor can be.
        VerifierRegistry verifiers = pipeline(clusterYaml());
        String compact = RealDocs.read(token).strip();

        DenialException denial = assertDenied(
                () -> verifiers.verify(new Attestation(TokenTypes.JWT, compact)),
                DenialReason.UNTRUSTED_ISSUER);
        assertThat(denial.detail()).isEqualTo("issuer is not registered");
    }

    @Test
    void algorithmsWhenGenuineTokensThenInVendsAllowList() {
        // A cluster of this kind is refused for its issuer and its audience, not its algorithms.
        for (String token : allGenuine()) {
            assertThat(IssuerRegistry.SUPPORTED_ALGORITHMS).as(token)
                    .contains(genuine(token).headerString("alg"));
        }
    }

    // ---- the pipeline's reasons, with synthetic tokens of the genuine shapes

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RS256", "ES384"})
    void verifyWhenLegacyShapedTokenFromRegisteredClusterThenDeniesMissingExpThoughSigned(
            String alg) {
        // BUG-24 B: a Secret-based token never expires; Vend requires exp even when the
        // signature verifies, which is checked here on the very token that is refused.
        VerifierRegistry verifiers = pipeline(clusterYaml("algorithms: [RS256, ES384]"));
        String token = legacyShaped("RS256".equals(alg) ? RSA : P384).sign();
        StrictJws jws = StrictJws.parse(token);
        IssuerConfig entry = registry(clusterYaml("algorithms: [RS256, ES384]"))
                .byId("cluster").orElseThrow();
        assertThatCode(() -> SignatureCheck.verify(jws, HeaderChecks.check(jws, entry),
                cacheFor(entry))).doesNotThrowAnyException();
        assertSameShape(jws, "RS256".equals(alg) ? LEGACY_01 : LEGACY_04_ES384);

        DenialException denial = assertDenied(
                () -> verifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.MISSING_CLAIM);
        assertThat(denial.detail()).isEqualTo("no exp");
    }

    @Test
    void verifyWhenProjectedShapedTokenForApiServerThenDeniesAudienceMismatch() {
        // BUG-24 A: the entry accepts Vend's own audience only (the default).
        VerifierRegistry verifiers = pipeline(clusterYaml());
        String token = projectedShaped().sign();
        assertSameShape(StrictJws.parse(token), PROJECTED_01);

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.AUDIENCE_MISMATCH);
    }

    @Test
    void verifyWhenProjectedShapedTokenAndEntryOptsIntoApiServerAudienceThenAccepted() {
        // The control: the shape maps to the kubernetes preset's attributes and immutable id.
        VerifierRegistry verifiers = pipeline(clusterYaml("audiences: [" + API_SERVER_AUD + "]",
                "allowSharedAudiences: true"));

        VerifiedIdentity identity = verifiers.verify(
                new Attestation(TokenTypes.JWT, projectedShaped().sign()));

        assertThat(identity.immutableId()).isEqualTo("sa-uid-0001");
        assertThat(identity.attribute("namespace")).contains(new AttributeValue.Str("default"));
        assertThat(identity.attribute("service_account"))
                .contains(new AttributeValue.Str("default"));
        assertThat(identity.attribute("pod")).contains(new AttributeValue.Str("vault"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {PROJECTED_01, PROJECTED_02})
    void verifyWhenTokenHasGenuineProjectedTimesThenDeniesExpiredToday(String genuineToken) {
        // The genuine tokens' own exp, iat and nbf on a synthetic token of their shape, checked
        // against today's clock by the claim checks: expired, and reported as such before the
        // audience, which is also wrong.
        VerifierRegistry verifiers = pipeline(clusterYaml());
        clock.set(Instant.now());
        String token = withGenuineTimes(projectedShaped(), genuineToken).sign();

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.EXPIRED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {PROJECTED_01, PROJECTED_02})
    void verifyWhenTokenHasGenuineProjectedTimesAtItsOwnTimeThenDeniesTooOld(String genuineToken) {
        // Even while they were current, these tokens lived longer (two years; two hours) than an
        // entry's default maximum token age of one hour.
        VerifierRegistry verifiers = pipeline(clusterYaml());
        JsonNode claims = genuine(genuineToken).claims();
        clock.set(Instant.ofEpochSecond(claims.get("iat").longValue() + 60));
        String token = withGenuineTimes(projectedShaped(), genuineToken).sign();

        assertDenied(() -> verifiers.verify(new Attestation(TokenTypes.JWT, token)),
                DenialReason.TOO_OLD);
    }

    // ---- helpers

    private static List<String> allGenuine() {
        return List.of(PROJECTED_01, PROJECTED_02, LEGACY_01, LEGACY_02, LEGACY_04_ES384,
                BAD_KEY_03, BLOG_LEGACY);
    }

    /** A genuine token, parsed by Vend's strict parser (which must accept it as it is). */
    private static StrictJws genuine(String relativePath) {
        return StrictJws.parse(RealDocs.read(relativePath).strip());
    }

    private static JWSHeader jwsHeader(StrictJws jws) throws Exception {
        return JWSHeader.parse(Base64URL.from(jws.compact().substring(0,
                jws.compact().indexOf('.'))));
    }

    private static JWSVerifier verifierFor(PublicKey key) throws Exception {
        if (key instanceof RSAPublicKey rsa) {
            return JoseVerifiers.rsa(rsa);
        }
        return JoseVerifiers.ec((ECPublicKey) key);
    }

    /** A public key from a PEM file: a SubjectPublicKeyInfo or an X.509 certificate. */
    private static PublicKey readPublicKey(String relativePath) throws Exception {
        try (var pem = new PEMParser(new StringReader(RealDocs.read(relativePath)))) {
            Object object = pem.readObject();
            var converter = new JcaPEMKeyConverter();
            if (object instanceof X509CertificateHolder certificate) {
                // The certificate's validity ended in 2018; only its key matters here.
                return converter.getPublicKey(certificate.getSubjectPublicKeyInfo());
            }
            return converter.getPublicKey((SubjectPublicKeyInfo) object);
        }
    }

    /**
     * An issuer entry whose static JWKS is <em>derived</em> here from the PEM keys of realdocs
     * (no cluster published this set): the 2018 and 2017 minikube RSA keys and the ES384 key,
     * each with its RFC 7638 thumbprint as {@code kid}. Written to the temp folder only.
     */
    private IssuerConfig derivedEntry() throws Exception {
        var rsa2018 = new RSAKey.Builder((RSAPublicKey) readPublicKey(KEY_2018))
                .keyIDFromThumbprint().build();
        var rsa2017 = new RSAKey.Builder((RSAPublicKey) readPublicKey(CERT_2017))
                .keyIDFromThumbprint().build();
        var es384 = new ECKey.Builder(Curve.P_384, (ECPublicKey) readPublicKey(KEY_ES384))
                .keyIDFromThumbprint().build();
        Files.writeString(dir.resolve("minikube-derived.jwks.json"),
                new JWKSet(List.of(rsa2018, rsa2017, es384)).toString());
        return registry("""
                issuers:
                  - id: minikube-derived
                    issuer: %s
                    preset: kubernetes
                    algorithms: [RS256, ES384]
                    jwksFile: minikube-derived.jwks.json
                """.formatted(DERIVED)).byId("minikube-derived").orElseThrow();
    }

    private IssuerRegistry registry(String yaml) {
        return TestRegistries.fromYaml(yaml, dir);
    }

    private JwksCache cacheFor(IssuerConfig entry) {
        return new JwksCache(entry, HttpsFetcher.withDefaultTrust(), clock,
                JwksCache.Timing.defaults());
    }

    /** The registered cluster: an https issuer whose keys are the test keys. */
    private static String clusterYaml(String... lines) {
        var yaml = new StringBuilder("""
                issuers:
                  - id: cluster
                    issuer: %s
                    preset: kubernetes
                    jwksFile: test-keys.jwks.json
                """.formatted(CLUSTER));
        for (String line : lines) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    private VerifierRegistry pipeline(String yaml) {
        IssuerRegistry registry = registry(yaml);
        IssuerKeys keys = IssuerKeys.forRegistry(registry, HttpsFetcher.withDefaultTrust(), clock,
                JwksCache.Timing.defaults());
        var oidc = new OidcVerifier(new OidcVerifierConfig(keys, new InMemorySingleUseStore(),
                clock));
        return new VerifierRegistry(registry, List.of(oidc));
    }

    /**
     * A Secret-based token's shape (legacy-01; legacy-04 for ES384): no exp, iat, nbf, aud or
     * jti, the flat {@code kubernetes.io/serviceaccount/...} claims, placeholder values, and the
     * registered cluster's https issuer in place of {@code kubernetes/serviceaccount}.
     */
    private TestTokens.Builder legacyShaped(JWK key) {
        var builder = TestTokens.signedWith(key).clock(clock).issuer(CLUSTER)
                .subject("system:serviceaccount:default:deployer")
                .claim("kubernetes.io/serviceaccount/namespace", "default")
                .claim("kubernetes.io/serviceaccount/service-account.name", "deployer")
                .claim("kubernetes.io/serviceaccount/service-account.uid", "sa-uid-0002")
                .withoutClaim("exp").withoutClaim("iat").withoutClaim("jti");
        if (key instanceof RSAKey) {
            builder.claim("kubernetes.io/serviceaccount/secret.name", "deployer-token-abcde")
                    .withoutHeader("kid");
        }
        return builder;
    }

    /**
     * A projected token's shape (projected-01): the API server's audience, nested
     * {@code kubernetes.io} claims, an empty {@code kid}, no {@code typ} and no {@code jti};
     * placeholder values; a ten-minute lifetime from the test clock.
     */
    private TestTokens.Builder projectedShaped() {
        return TestTokens.signedWith(RSA).clock(clock).issuer(CLUSTER).audiences(API_SERVER_AUD)
                .subject("system:serviceaccount:default:default")
                .claim("kubernetes.io", Map.of(
                        "namespace", "default",
                        "pod", Map.of("name", "vault", "uid", "pod-uid-0001"),
                        "serviceaccount", Map.of("name", "default", "uid", "sa-uid-0001")))
                .lifetime(Duration.ofMinutes(10)).notBeforeIssuedAt()
                .header("kid", "").withoutHeader("typ").withoutClaim("jti");
    }

    /** The builder with the genuine token's exp, iat and nbf, read from the genuine token. */
    private static TestTokens.Builder withGenuineTimes(TestTokens.Builder builder,
            String genuineToken) {
        JsonNode claims = genuine(genuineToken).claims();
        return builder.issuedAt(Instant.ofEpochSecond(claims.get("iat").longValue()))
                .notBefore(Instant.ofEpochSecond(claims.get("nbf").longValue()))
                .expiresAt(Instant.ofEpochSecond(claims.get("exp").longValue()));
    }

    /** The synthetic token has the genuine one's header members and claim paths, iss apart. */
    private static void assertSameShape(StrictJws synthetic, String genuineToken) {
        StrictJws real = genuine(genuineToken);
        assertThat(paths(synthetic.header(), "")).isEqualTo(paths(real.header(), ""));
        assertThat(paths(synthetic.claims(), "")).isEqualTo(paths(real.claims(), ""));
        assertThat(synthetic.claimString("iss")).isEqualTo(CLUSTER);
    }

    private static Set<String> paths(ObjectNode object, String prefix) {
        Set<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String path = prefix + "/" + member.getKey();
            out.add(path);
            if (member.getValue() instanceof ObjectNode nested) {
                out.addAll(paths(nested, path));
            }
        }
        return out;
    }
}
