// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.testsupport.RealDocs;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Wycheproof vector in realdocs/vectors/wycheproof run through the verifier path Vend uses
 * for JWS signatures: {@link JoseVerifiers#ec} or {@link JoseVerifiers#rsa} with a Nimbus
 * {@link JWSHeader}, {@code verify(header, message, Base64URL(signature))}. Valid vectors must
 * verify, invalid ones must not, acceptable ones may go either way, and no vector may make the
 * verifier throw (in Vend a throw would be a server error, not a denial). Each suite prints a
 * one-line summary.
 */
class WycheproofVectorsTest {

    private static final String DIR = "vectors/wycheproof/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void verifyWhenWycheproofEcdsaP256P1363VectorsThenEveryVerdictMatches() throws Exception {
        Tally tally = run("ecdsa_secp256r1_sha256_p1363_test.json", JWSAlgorithm.ES256,
                der -> JoseVerifiers.ec((ECPublicKey) KeyFactory.getInstance("EC")
                        .generatePublic(new X509EncodedKeySpec(der))));

        assertThat(tally.total).isEqualTo(262);
        assertThat(tally.wrongLengthAccepted)
                .as("ES256 signatures must be exactly 64 bytes").isZero();
        tally.assertAgrees();
    }

    @Test
    void verifyWhenWycheproofRsaPkcs1Sha256VectorsThenEveryVerdictMatches() throws Exception {
        Tally tally = run("rsa_signature_2048_sha256_test.json", JWSAlgorithm.RS256,
                der -> JoseVerifiers.rsa((RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(der))));

        assertThat(tally.total).isEqualTo(259);
        tally.assertAgrees();
    }

    @Test
    void verifyWhenWycheproofRsaPssSha256VectorsThenEveryVerdictMatches() throws Exception {
        // PS256 is SHA-256, MGF1 with SHA-256 and a 32-byte salt: this file's parameters.
        Tally tally = run("rsa_pss_2048_sha256_mgf1_32_test.json", JWSAlgorithm.PS256,
                der -> JoseVerifiers.rsa((RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(der))));

        assertThat(tally.total).isEqualTo(108);
        tally.assertAgrees();
    }

    @Test
    void verifyWhenEcdsaSignatureIsDerEncodedThenNeverVerifiesAsEs256() throws Exception {
        // JWS ES256 is r||s (RFC 7518 §3.4); the DER form of a valid signature is not a JWS
        // signature, so the DER suite's vectors must all fail on the JOSE path.
        JsonNode suite = JSON.readTree(RealDocs.read(DIR + "ecdsa_secp256r1_sha256_test.json"));
        int total = 0;
        var verified = new ArrayList<Integer>();
        for (JsonNode group : suite.get("testGroups")) {
            JWSVerifier verifier = JoseVerifiers.ec((ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new X509EncodedKeySpec(hex(group, "publicKeyDer"))));
            for (JsonNode test : group.get("tests")) {
                total++;
                if (verifies(verifier, JWSAlgorithm.ES256, test)) {
                    verified.add(test.get("tcId").asInt());
                }
            }
        }

        System.out.printf("Wycheproof ECDSA P-256 DER suite as ES256: %d vectors, %d verified%n",
                total, verified.size());
        assertThat(total).isEqualTo(484);
        assertThat(verified).as("DER signatures accepted as ES256").isEmpty();
    }

    // ---- runner

    private interface VerifierFactory {
        JWSVerifier create(byte[] publicKeyDer) throws Exception;
    }

    private static Tally run(String file, JWSAlgorithm alg, VerifierFactory factory)
            throws Exception {
        JsonNode suite = JSON.readTree(RealDocs.read(DIR + file));
        Tally tally = new Tally(file, alg);
        for (JsonNode group : suite.get("testGroups")) {
            JWSVerifier verifier = factory.create(hex(group, "publicKeyDer"));
            for (JsonNode test : group.get("tests")) {
                tally.record(test, verifies(verifier, alg, test));
            }
        }
        System.out.println(tally.summary());
        return tally;
    }

    /** One vector on Vend's path; a throw is recorded as a failure of the vector, not skipped. */
    private static boolean verifies(JWSVerifier verifier, JWSAlgorithm alg, JsonNode test) {
        byte[] message = HEX.parseHex(test.get("msg").asText());
        byte[] signature = HEX.parseHex(test.get("sig").asText());
        try {
            return verifier.verify(new JWSHeader(alg), message, Base64URL.encode(signature));
        } catch (Exception | Error e) {
            throw new AssertionError("tcId " + test.get("tcId").asInt() + " threw " + e, e);
        }
    }

    private static byte[] hex(JsonNode group, String field) {
        return HEX.parseHex(group.get(field).asText());
    }

    /** Verdicts of one suite. */
    private static final class Tally {
        final String file;
        final JWSAlgorithm alg;
        int total;
        int valid;
        int invalid;
        int acceptable;
        int acceptableVerified;
        int wrongLength;
        int wrongLengthAccepted;
        final List<String> disagreements = new ArrayList<>();

        Tally(String file, JWSAlgorithm alg) {
            this.file = file;
            this.alg = alg;
        }

        void record(JsonNode test, boolean verified) {
            total++;
            String result = test.get("result").asText();
            int tcId = test.get("tcId").asInt();
            if (JWSAlgorithm.ES256.equals(alg) && test.get("sig").asText().length() != 128) {
                wrongLength++;
                wrongLengthAccepted += verified ? 1 : 0;
            }
            switch (result) {
                case "valid" -> {
                    valid++;
                    if (!verified) {
                        disagreements.add(tcId + " valid but refused: " + comment(test));
                    }
                }
                case "invalid" -> {
                    invalid++;
                    if (verified) {
                        disagreements.add(tcId + " invalid but verified: " + comment(test));
                    }
                }
                case "acceptable" -> {
                    acceptable++;
                    acceptableVerified += verified ? 1 : 0;
                }
                default -> disagreements.add(tcId + " has unknown result " + result);
            }
        }

        String summary() {
            return String.format("Wycheproof %s (%s via JoseVerifiers): %d vectors = %d valid + "
                    + "%d invalid + %d acceptable (%d of them verified); %d disagreements%s",
                    file, alg, total, valid, invalid, acceptable, acceptableVerified,
                    disagreements.size(), JWSAlgorithm.ES256.equals(alg)
                            ? "; " + wrongLength + " not 64 bytes, " + wrongLengthAccepted
                                    + " of them verified"
                            : "");
        }

        void assertAgrees() {
            assertThat(disagreements).as(summary()).isEmpty();
            assertThat(valid + invalid + acceptable).isEqualTo(total);
        }

        private static String comment(JsonNode test) {
            return test.path("comment").asText();
        }
    }
}
