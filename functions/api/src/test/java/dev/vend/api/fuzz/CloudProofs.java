// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.testsupport.FakeSts;
import dev.vend.testsupport.TestAzureAttested;
import dev.vend.testsupport.TestIamProofs;
import dev.vend.testsupport.TestInstanceDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Cloud proofs that look right and are wrong, for the Azure attested document, AWS IAM proof and
 * EC2 bundle token types: a JSON envelope of the right shape with junk, huge or deeply nested
 * members; base64 that is not PKCS7, or real PKCS7 with bytes changed or cut; documents signed by
 * the trusted test PKI or region certificate over broken content; IAM proofs that fail their
 * shape, the rebuild, STS's signature check or the challenge; and bundles with one half broken.
 * Each reaches the strict JSON reader, the PKCS7 parser or the STS answer's XML reader of its
 * verifier. Some carry a challenge Vend really issued, so they pass every check of their
 * verifier; no policy names a cloud identity, so none is granted.
 *
 * <p>No proof names an AWS STS host together with an authorization the rebuild would accept:
 * such a proof would be sent to AWS. Proofs that pass the rebuild name the fake STS only.
 * Not thread-safe; one per {@link FuzzCases}.
 */
final class CloudProofs {

    /**
     * What the deployment under test trusts, and who the fake STS knows.
     *
     * @param azure the PKI whose root and intermediate the deployment trusts
     * @param ec2 the signer of EC2 documents the deployment trusts for {@link #EC2_REGION}
     * @param stsHost the fake STS's host and port, which the deployment trusts as an endpoint
     * @param role a role session the fake STS knows
     * @param instance the EC2 instance identity role of {@link #EC2_INSTANCE}, which it knows
     * @param challenges hands out a challenge the deployment really issued
     */
    record Trust(TestAzureAttested azure, TestInstanceDocuments ec2, String stsHost,
            FakeSts.Principal role, FakeSts.Principal instance, Supplier<String> challenges) {
    }

    static final String EC2_REGION = "us-east-1";
    static final String EC2_ACCOUNT = "444455556666";
    static final String EC2_INSTANCE = "i-0123456789abcdef0";

    private static final List<String> JUNK_HOSTS = List.of("sts.example.com", "127.0.0.1",
            "STS.AMAZONAWS.COM", "sts.us-east-1.amazonaws.com.evil.test", "", "localhost:1",
            "sts.amazonaws.com@evil.test", "x".repeat(300), "sts.us-east-1.amazonaws.com:443");
    private static final List<String> JUNK_JSON = List.of("null", "true", "-1", "1e999",
            "123456789012345678901234567890123456789012345", "\"\"", "[]", "{}", "[null]",
            "\"\\u0000\"", "\"\\ud800\"", "{\"a\":{\"b\":{}}}", "\"pkcs7\"", "[\"pkcs7\"]");

    private final Random random;
    private final Trust trust;
    private final TestInstanceDocuments stranger = new TestInstanceDocuments();
    private final String genuineDocument;
    private final byte[] genuineAzure;

    CloudProofs(Random random, Trust trust) {
        this.random = random;
        this.trust = trust;
        // An instance document is replayable, so one signed copy serves every bundle; one
        // Azure document serves every case that breaks or replaces what it signed.
        this.genuineDocument = trust.ec2().signRsa2048(TestInstanceDocuments.document(
                EC2_ACCOUNT, EC2_REGION, EC2_INSTANCE));
        this.genuineAzure = trust.azure().signLikeAzure(azureContent(randomChallenge(),
                Instant.now()));
    }

    /** An IMDS envelope of the right shape around something that is not a signed document. */
    String azureEnvelope() {
        String pkcs7 = base64(genuineAzure);
        return switch (random.nextInt(8)) {
            case 0 -> envelope("\"pkcs7\"", quoted(base64(bytes(1 + random.nextInt(3000)))));
            case 1 -> envelope("\"pkcs7\"", quoted(base64(mutated(genuineAzure))));
            case 2 -> envelope("\"pkcs7\"", junkJson());
            case 3 -> envelope(junkJson(), quoted(pkcs7));
            case 4 -> "{\"encoding\":\"pkcs7\",\"signature\":" + quoted(pkcs7)
                    + pick(List.of(",\"signature\":\"AA==\"", ",\"extra\":1",
                            ",\"encoding\":\"pkcs7\"")) + "}";
            case 5 -> envelope("\"pkcs7\"", quoted(insertAt(pkcs7, pick(List.of("*", "%", "-",
                    "\\u0000", "==", "\u00e9")))));
            case 6 -> envelope("\"pkcs7\"", quoted(pkcs7)).replace("}", ",\"n\":"
                    + nested(9 + random.nextInt(3000)) + "}");
            default -> envelope("\"pkcs7\"", quoted(base64(bytes(12_000 + random.nextInt(6000)))));
        };
    }

    /** A PKCS7 the trusted test PKI really signed, over content that is wrong, or changed. */
    String azureSignedContent() {
        byte[] pkcs7 = switch (random.nextInt(7)) {
            case 0 -> trust.azure().signLikeAzure(brokenAzureContent());
            case 1 -> trust.azure().signDirect(azureContent(randomChallenge(), Instant.now()));
            case 2 -> trust.azure().signWithAttributes(azureContent(
                    trust.challenges().get(), Instant.now()));
            case 3 -> TestAzureAttested.withContent(genuineAzure,
                    brokenAzureContent().getBytes(StandardCharsets.UTF_8));
            case 4 -> TestAzureAttested.withContent(genuineAzure, bytes(random.nextInt(200)));
            case 5 -> trust.azure().signLikeAzure(azureContent(randomChallenge(),
                    Instant.now().minus(Duration.ofDays(2))));
            default -> mutated(genuineAzure);
        };
        return TestAzureAttested.envelope(pkcs7);
    }

    /** An AWS IAM proof that fails its shape, the rebuild, STS or the challenge. */
    String iamProof() {
        return brokenIamProof().toString();
    }

    /** An EC2 bundle whose instance document is broken, with a sound IAM half. */
    String ec2BrokenDocument() {
        ObjectNode bundle = TestIamProofs.JSON.createObjectNode();
        bundle.set("instance_document", brokenDocument());
        bundle.set("iam_proof", signedBy(trust.instance(), trust.challenges().get()).node());
        return bundle.toString();
    }

    /** An EC2 bundle with a genuine instance document and an IAM half that is broken or alien. */
    String ec2BrokenIamHalf() {
        ObjectNode document = TestIamProofs.JSON.createObjectNode();
        document.put("form", "rsa2048");
        document.put("signature", genuineDocument);
        String bundle = switch (random.nextInt(5)) {
            case 0 -> bundle(document.toString(), brokenIamProof().toString());
            case 1 -> bundle(document.toString(), junkJson());
            case 2 -> bundle(document.toString(), signedBy(trust.role(),
                    trust.challenges().get()).json());
            case 3 -> bundle(document.toString(), signedBy(trust.instance(),
                    trust.challenges().get()).json());
            default -> bundle(document.toString(), withJunkHost(signedBy(trust.instance(),
                    randomChallenge()).node()).toString()) + pick(List.of("", " ", "x", "{}"));
        };
        return random.nextInt(8) == 0 ? bundle.replace("}}", "},\"extra\":" + junkJson() + "}")
                : bundle;
    }

    /** Three in seven reach the fake STS: it refuses two of them, and answers the third. */
    private ObjectNode brokenIamProof() {
        return switch (random.nextInt(7)) {
            case 0 -> withJunkMember(signedBy(trust.role(), randomChallenge()).node());
            case 1 -> random.nextBoolean()
                    ? withSignature(signedBy(trust.role(), randomChallenge()).node())
                    : signedBy(trust.role(), randomChallenge()).serverId("https://other.test")
                            .node();
            case 2 -> signedBy(trust.role(), random.nextBoolean() ? randomChallenge()
                    : trust.challenges().get()).node();
            case 3 -> signedBy(trust.role(), randomChallenge())
                    .alsoSign("X-Extra", ascii(1 + random.nextInt(20))).node();
            case 4 -> signedBy(trust.role(), randomChallenge())
                    .signedAt(Instant.now().minus(Duration.ofMinutes(16 + random.nextInt(900))))
                    .node();
            case 5 -> signedBy(trust.role(), randomChallenge()).challengeNotSigned().node();
            default -> withJunkHost(signedBy(trust.role(), randomChallenge()).node());
        };
    }

    private ObjectNode brokenDocument() {
        ObjectNode document = TestIamProofs.JSON.createObjectNode();
        document.put("form", pick(List.of("rsa2048", "rsa2048", "pkcs7", "signature", "RSA2048",
                "")));
        document.put("signature", switch (random.nextInt(5)) {
            case 0 -> base64(bytes(1 + random.nextInt(3000)));
            case 1 -> base64(mutated(Base64.getMimeDecoder().decode(genuineDocument)));
            case 2 -> trust.ec2().signRsa2048(brokenEc2Document());
            case 3 -> "-----BEGIN PKCS7-----\n" + insertAt(genuineDocument, "*")
                    + "\n-----END PKCS7-----";
            default -> stranger.signRsa2048(TestInstanceDocuments.document(
                    EC2_ACCOUNT, pick(List.of(EC2_REGION, "eu-west-1", "xx-nowhere-9")),
                    EC2_INSTANCE));
        });
        if (random.nextInt(4) == 0) {
            document.put("document", brokenEc2Document());
        }
        return document;
    }

    private String brokenAzureContent() {
        String content = azureContent(randomChallenge(), Instant.now());
        return switch (random.nextInt(6)) {
            case 0 -> content.replace("\"nonce\":\"", "\"nonce\":" + junkJson() + ",\"x\":\"");
            case 1 -> content.replace("{\"licenseType\"", "{\"deep\":" + nested(9 + random
                    .nextInt(2000)) + ",\"licenseType\"");
            case 2 -> content.replace("22_04-lts-gen2", "s".repeat(1000 + random.nextInt(20000)));
            case 3 -> content.replace("\"expiresOn\":\"", "\"expiresOn\":\"" + ascii(8));
            case 4 -> content.substring(0, random.nextInt(content.length()));
            default -> content + pick(List.of(",", "}", " {}", "\u0000"));
        };
    }

    private String brokenEc2Document() {
        String document = TestInstanceDocuments.document(EC2_ACCOUNT, EC2_REGION, EC2_INSTANCE);
        return switch (random.nextInt(5)) {
            case 0 -> document.replace("\"" + EC2_INSTANCE + "\"", junkJson());
            case 1 -> document.replace("\"region\" : \"" + EC2_REGION + "\",", "");
            case 2 -> document.replace("\"x86_64\"", nested(9 + random.nextInt(2000)));
            case 3 -> document.replace("t3.micro", "t".repeat(9000 + random.nextInt(4000)));
            default -> document.substring(0, random.nextInt(document.length()));
        };
    }

    private TestIamProofs signedBy(FakeSts.Principal principal, String challenge) {
        return new TestIamProofs(principal, challenge, FuzzHarness.VEND_ISSUER, Instant.now())
                .host(trust.stsHost(), "us-east-1");
    }

    /** A member replaced by junk, or a member added, or one taken away. */
    private ObjectNode withJunkMember(ObjectNode proof) {
        String member = pick(List.of("host", "challenge", "authorization", "amz_date",
                "security_token", "unknown"));
        switch (random.nextInt(3)) {
            case 0 -> proof.set(member, readJson(junkJson()));
            case 1 -> proof.put(member, "A".repeat(1 + random.nextInt(12_000)));
            default -> proof.remove(member);
        }
        return proof;
    }

    /** The shape STS expects, signed with a key nobody holds: STS refuses it. */
    private ObjectNode withSignature(ObjectNode proof) {
        String authorization = proof.get("authorization").asText();
        String forged = hex(64);
        proof.put("authorization", authorization.replaceAll("Signature=[0-9a-f]{64}",
                "Signature=" + forged));
        return proof;
    }

    /** A host off the allowlist, or not one at all; refused before anything is sent. */
    private ObjectNode withJunkHost(ObjectNode proof) {
        proof.put("host", pick(JUNK_HOSTS));
        return proof;
    }

    private static String azureContent(String nonce, Instant createdOn) {
        return TestAzureAttested.content(nonce, createdOn, createdOn.plus(Duration.ofHours(6)));
    }

    /** The bytes with a few changed, or cut short. */
    private byte[] mutated(byte[] der) {
        byte[] copy = random.nextBoolean() ? der.clone()
                : Arrays.copyOf(der, random.nextInt(der.length));
        int flips = copy.length == 0 ? 0 : 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return copy;
    }

    /** Shaped like a challenge, but never issued. */
    private String randomChallenge() {
        var out = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            out.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
        }
        return out.toString();
    }

    private String junkJson() {
        return switch (random.nextInt(4)) {
            case 0 -> nested(9 + random.nextInt(3000));
            case 1 -> quoted("B".repeat(1 + random.nextInt(20_000)));
            default -> pick(JUNK_JSON);
        };
    }

    private String nested(int depth) {
        return random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static String envelope(String encoding, String signature) {
        return "{\"encoding\":" + encoding + ",\"signature\":" + signature + "}";
    }

    private static String bundle(String document, String proof) {
        return "{\"instance_document\":" + document + ",\"iam_proof\":" + proof + "}";
    }

    private static JsonNode readJson(String json) {
        try {
            return TestIamProofs.JSON.readTree(json);
        } catch (IOException e) {
            return TestIamProofs.JSON.getNodeFactory().textNode(json);
        }
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private String insertAt(String text, String insert) {
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + insert + text.substring(at);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private String ascii(int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) (32 + random.nextInt(95)));
        }
        return out.toString();
    }

    /** Random lowercase hex, the alphabet of a SigV4 signature. */
    private String hex(int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return out.toString();
    }
}
