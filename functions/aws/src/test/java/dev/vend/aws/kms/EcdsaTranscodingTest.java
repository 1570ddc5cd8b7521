// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DER to JOSE transcoding of ECDSA P-256 signatures as KMS returns them (RFC 7518 §3.4: R and S
 * as 32-byte big-endian unsigned integers, concatenated).
 */
class EcdsaTranscodingTest {

    private static final int SIGNATURES = 10_000;
    private static final BigInteger HIGH_BIT = BigInteger.ONE.shiftLeft(255).add(BigInteger.TEN);
    private static final BigInteger SHORT = BigInteger.ONE.shiftLeft(240).add(BigInteger.TWO);

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("r and s full, no sign byte", BigInteger.ONE.shiftLeft(254),
                        BigInteger.ONE.shiftLeft(254).add(BigInteger.ONE)),
                Arguments.of("r high bit (33-byte DER integer)", HIGH_BIT, SHORT.shiftLeft(8)),
                Arguments.of("s high bit (33-byte DER integer)", SHORT.shiftLeft(8), HIGH_BIT),
                Arguments.of("both high bit", HIGH_BIT, HIGH_BIT.add(BigInteger.ONE)),
                Arguments.of("r short (31 bytes)", SHORT, HIGH_BIT),
                Arguments.of("s short (31 bytes)", HIGH_BIT, SHORT),
                Arguments.of("r and s one byte", BigInteger.ONE, BigInteger.valueOf(127)),
                Arguments.of("r one byte with high bit", BigInteger.valueOf(128), SHORT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void derToJoseWhenIntegersOfAnyLengthThenLeftPaddedTo32BytesEach(String name, BigInteger r,
            BigInteger s) throws JOSEException {
        byte[] jose = KmsJwsSigner.derToJose(der(r, s));

        assertThat(jose).hasSize(64);
        assertThat(new BigInteger(1, Arrays.copyOfRange(jose, 0, 32))).isEqualTo(r);
        assertThat(new BigInteger(1, Arrays.copyOfRange(jose, 32, 64))).isEqualTo(s);
    }

    @Test
    void derToJoseWhenTenThousandRealSignaturesThenEveryOneIs64BytesAndVerifies()
            throws Exception {
        // In-process: real P-256 signatures in DER from the JDK, the same encoding KMS returns
        // (KmsJwsSignerTest sends a thousand more through the SDK and the fake KMS). Two
        // threads, one per core of the build machines: P-256 signing and verifying dominate.
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        int threads = 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        var counts = new ArrayList<Future<int[]>>();
        long started = System.nanoTime();
        try {
            for (int t = 0; t < threads; t++) {
                int first = t;
                counts.add(pool.submit(() -> signTranscodeVerify(pair, first, threads)));
            }
            int verified = 0;
            int highBit = 0;
            int shortInteger = 0;
            for (Future<int[]> count : counts) {
                verified += count.get()[0];
                highBit += count.get()[1];
                shortInteger += count.get()[2];
            }

            assertThat(verified).isEqualTo(SIGNATURES);
            // About half the integers have the high bit set, about 1 in 256 is short.
            assertThat(highBit).isGreaterThan(9_000);
            assertThat(shortInteger).isGreaterThan(20);
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("EcdsaTranscodingTest: %d ES256 signatures in %d ms%n", SIGNATURES,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** Signs, transcodes and verifies every {@code step}-th message; counts what it saw. */
    private static int[] signTranscodeVerify(KeyPair pair, int first, int step)
            throws Exception {
        var signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        // The JDK's P1363 format is exactly JOSE's R || S.
        var verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        int[] counts = new int[3];
        for (int i = first; i < SIGNATURES; i += step) {
            byte[] message = ("token " + i).getBytes(StandardCharsets.UTF_8);
            signer.update(message);
            byte[] der = signer.sign();
            byte[] jose = KmsJwsSigner.derToJose(der);

            assertThat(jose).hasSize(64);
            verifier.initVerify(pair.getPublic());
            verifier.update(message);
            assertThat(verifier.verify(jose)).as("signature %d, DER %s", i,
                    HexFormat.of().formatHex(der)).isTrue();
            counts[0]++;
            counts[1] += (jose[0] < 0 ? 1 : 0) + (jose[32] < 0 ? 1 : 0);
            counts[2] += (jose[0] == 0 ? 1 : 0) + (jose[32] == 0 ? 1 : 0);
        }
        return counts;
    }

    @Test
    void derToJoseWhenNotDerThenPermanentFailure() {
        byte[] digest = sha256("x");

        var thrown = catchThrowableOfType(JOSEException.class,
                () -> KmsJwsSigner.derToJose(digest));

        assertThat(thrown.getCause()).isInstanceOf(VendingFailure.class);
        assertThat(((VendingFailure) thrown.getCause()).kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void derToJoseWhenIntegerLongerThan32BytesThenPermanentFailure() {
        BigInteger tooLong = BigInteger.ONE.shiftLeft(300);

        var thrown = catchThrowableOfType(JOSEException.class,
                () -> KmsJwsSigner.derToJose(der(tooLong, BigInteger.ONE)));

        assertThat(thrown).isNotNull();
        assertThat(thrown.getCause()).isInstanceOf(VendingFailure.class);
    }

    /** ASN.1 DER {@code SEQUENCE { INTEGER r, INTEGER s }} (short-form lengths). */
    static byte[] der(BigInteger r, BigInteger s) {
        byte[] ri = integer(r);
        byte[] si = integer(s);
        var out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(ri.length + si.length);
        out.writeBytes(ri);
        out.writeBytes(si);
        return out.toByteArray();
    }

    private static byte[] integer(BigInteger value) {
        byte[] bytes = value.toByteArray();
        var out = new ByteArrayOutputStream();
        out.write(0x02);
        out.write(bytes.length);
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
