// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.TokenTypes;
import dev.vend.parse.YamlDocuments;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.testsupport.TestGceTokens;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.testsupport.TestKeys;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.VerifierRegistry;
import dev.vend.verify.aws.AwsIamVerifier;
import dev.vend.verify.aws.AwsVerifierConfig;
import dev.vend.verify.aws.Ec2BundleVerifier;
import dev.vend.verify.azure.AzureVerifier;
import dev.vend.verify.azure.AzureVerifierConfig;
import dev.vend.verify.gce.GceVerifier;
import dev.vend.verify.gce.GceVerifierConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;

/**
 * Vend's cloud verifiers as the server assembles them, for benchmarks: one issuer registry with
 * the {@code gce}, {@code azure}, {@code aws-ec2} and {@code aws-iam} entries, the four verifiers
 * routed by {@link VerifierRegistry}, and proofs made at setup with test keys (the EC2 instance
 * document excepted: see {@link InstanceDocuments}). Three things differ from a server, each so
 * that one proof can be verified again and again:
 * <ul>
 *   <li>challenges stay usable after they are consumed ({@link ReusableChallengeStore});</li>
 *   <li>the clock stands at the setup instant, so a long run can not outlive a challenge (five
 *       minutes) or an IAM proof's signing time (fifteen);</li>
 *   <li>STS is {@link CannedSts}, in process, answering for the test principals.</li>
 * </ul>
 * Every verification still checks every signature, chain, challenge shape and claim. The GCE
 * key file lives in a temporary folder removed by {@link #close()}. Not thread-safe.
 */
public final class CloudVerifiers implements AutoCloseable {

    /** Vend's own URL: the GCE audience prefix and the server id of IAM proofs. */
    public static final String VEND_URL = "https://vend.example.test";

    /** The EC2 instance identity role of the realdocs instance. */
    static final FakeSts.Principal INSTANCE_ROLE = new FakeSts.Principal("ASIABENCHINSTANCE001",
            "instance-secret/0123456789abcdefEXAMPLE", "IQoJBenchInstanceToken==",
            InstanceDocuments.ACCOUNT, "arn:aws:sts::" + InstanceDocuments.ACCOUNT
                    + ":assumed-role/aws:ec2-instance/" + InstanceDocuments.INSTANCE,
            InstanceDocuments.ACCOUNT + ":aws:ec2-instance:" + InstanceDocuments.INSTANCE);
    /** A role session, as a Lambda function or an ECS task signs an IAM proof. */
    static final FakeSts.Principal DEPLOYER = new FakeSts.Principal("ASIABENCHDEPLOYER001",
            "deployer-secret/0123456789abcdefEXAMPLE", "IQoJBenchDeployerToken==",
            "111122223333", "arn:aws:sts::111122223333:assumed-role/deployer/build-42",
            "AROABENCHDEPLOYERROLE:build-42");

    private static final String ISSUERS = """
            issuers:
              - id: gce
                issuer: https://accounts.google.com
                preset: gce
                algorithms: [RS256]
                jwksFile: google.json
              - id: azure
                issuer: https://metadata.azure.com
                preset: azure
                pinnedClaims: [subscription_id]
              - id: aws-ec2
                issuer: https://ec2.amazonaws.com
                preset: aws-ec2
                pinnedClaims: [account]
              - id: aws-iam
                issuer: https://sts.amazonaws.com
                preset: aws-iam
                pinnedClaims: [account]
            """;
    /** Index of the cached test key that plays Google's, apart from those other benchmarks use. */
    private static final int GOOGLE_KEY = 22;

    private final Path dir;
    private final Clock clock;
    private final ReusableChallengeStore store;
    private final Challenges challenges;
    private final CannedSts sts;
    private final RSAKey googleKey;
    private final TestAzureAttested azurePki;
    private final VerifierRegistry verifiers;

    private CloudVerifiers(Path dir) {
        this.dir = dir;
        this.clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        this.store = new ReusableChallengeStore();
        this.challenges = new Challenges(store, clock);
        this.sts = new CannedSts(List.of(INSTANCE_ROLE, DEPLOYER));
        this.googleKey = TestKeys.rsa2048(GOOGLE_KEY);
        this.azurePki = SharedPki.INSTANCE;
        this.verifiers = verifiers(dir);
    }

    /** Writes Google's JWKS file and assembles the verifiers. */
    public static CloudVerifiers start() {
        try {
            Path dir = Files.createTempDirectory("vend-bench-cloud-");
            Files.writeString(dir.resolve("google.json"),
                    new JWKSet(TestKeys.rsa2048(GOOGLE_KEY).toPublicJWK()).toString());
            return new CloudVerifiers(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private VerifierRegistry verifiers(Path dir) {
        IssuerRegistry issuers = issuers(dir);
        var keys = IssuerKeys.forRegistry(issuers, HttpsFetcher.withDefaultTrust(), clock,
                JwksCache.Timing.defaults());
        var aws = new AwsVerifierConfig(challenges, clock, VEND_URL,
                AwsVerifierConfig.DEFAULT_STS_HOSTS, sts,
                EnumSet.allOf(AwsVerifierConfig.LegacyForm.class));
        return new VerifierRegistry(issuers, List.of(
                new GceVerifier(new GceVerifierConfig(keys, challenges, clock)),
                new AzureVerifier(new AzureVerifierConfig(List.of(azurePki.root()),
                        List.of(azurePki.ca()), challenges, clock)),
                new Ec2BundleVerifier(aws),
                new AwsIamVerifier(aws)));
    }

    private static IssuerRegistry issuers(Path dir) {
        try {
            return IssuerRegistry.fromDocument(YamlDocuments.parseMapping(ISSUERS, "issuers.yaml"),
                    new IssuerRegistry.Settings(VEND_URL, dir));
        } catch (YamlDocuments.DocumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A GCE identity token for a fresh challenge, signed with Google's test key. */
    public String gceToken() {
        String audience = VEND_URL + "?challenge=" + challenges.issue().value();
        return TestGceTokens.vmToken(googleKey, audience).clock(clock).sign();
    }

    /**
     * An Azure attested document's PKCS7 for a fresh challenge, signed by the test IMDS signer.
     *
     * @param signedAttributes false for Azure's own shape (no signed attributes, digest named
     *     {@code sha256WithRSAEncryption}), true for the RFC 5652 shape with signed attributes
     */
    public byte[] azurePkcs7(boolean signedAttributes) {
        Instant now = clock.instant();
        String content = TestAzureAttested.content(challenges.issue().value(), now,
                now.plus(Duration.ofHours(6)));
        return signedAttributes ? azurePki.signWithAttributes(content)
                : azurePki.signLikeAzure(content);
    }

    /** The IMDS response holding a PKCS7, as the subject token. */
    public static Attestation azureAttestation(byte[] pkcs7) {
        return new Attestation(TokenTypes.AZURE_ATTESTED, TestAzureAttested.envelope(pkcs7));
    }

    /** An EC2 bundle of the realdocs instance document and a fresh instance-role IAM proof. */
    public Attestation ec2Bundle(String form) {
        ObjectNode bundle = TestIamProofs.JSON.createObjectNode();
        bundle.set("instance_document",
                InstanceDocuments.member(InstanceDocuments.Form.of(form)));
        bundle.set("iam_proof", iamProof(INSTANCE_ROLE).node());
        return new Attestation(TokenTypes.AWS_EC2_BUNDLE, bundle.toString());
    }

    /** A role session's IAM proof for a fresh challenge. */
    public Attestation iamProof() {
        return new Attestation(TokenTypes.AWS_IAM_PROOF, iamProof(DEPLOYER).json());
    }

    private TestIamProofs iamProof(FakeSts.Principal principal) {
        return new TestIamProofs(principal, challenges.issue().value(), VEND_URL,
                clock.instant());
    }

    public VerifierRegistry verifiers() {
        return verifiers;
    }

    /** The key that plays Google's, private part included. */
    public RSAKey googleKey() {
        return googleKey;
    }

    /** The test IMDS PKI: root, issuing CA and signer. */
    public TestAzureAttested azurePki() {
        return azurePki;
    }

    /** The instant the verifiers' clock stands at. */
    public Instant now() {
        return clock.instant();
    }

    /** How many challenges the verifiers consumed, counting each reuse. */
    long challengesConsumed() {
        return store.challengesConsumed();
    }

    CannedSts sts() {
        return sts;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir.resolve("google.json"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test IMDS PKI, made once per JVM (its three RSA-2048 key pairs take about a second),
     * valid for 30 days either side of its making.
     */
    private static final class SharedPki {
        static final TestAzureAttested INSTANCE = new TestAzureAttested(
                Instant.now().minus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(30)),
                "eastus.metadata.azure.com", "metadata.azure.com");
    }
}
