// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.issue.KeyRing;
import dev.vend.issue.SigningKey;
import dev.vend.testsupport.FakeKms;
import dev.vend.verify.FailureKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@link KmsJwsSigner} through the real SDK client against {@link FakeKms}. */
class KmsJwsSignerTest {

    private static final int SIGNATURES = 1_000;
    private static final String AWS_SECRET = "assumed-role/vend-fn";

    private static FakeKms fake;
    private static KmsClient kms;
    private static String ecArn;
    private static String rsaArn;

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        kms = KmsSignerFakeTest.client(fake.endpoint());
        ecArn = fake.createEcP256Key();
        rsaArn = fake.createRsa2048Key();
    }

    @AfterAll
    static void stop() {
        kms.close();
        fake.close();
    }

    @AfterEach
    void clearFaults() {
        fake.clearFaults();
    }

    private static KeyRing ring(String arn) {
        return KmsSignerContract.ring(kms, arn);
    }

    @Test
    void issueWhenTokensVendedThenOneKmsSignPerTokenAndGetPublicKeyOnlyAtLoad() {
        int signsBefore = fake.calls("Sign");
        int keysBefore = fake.calls("GetPublicKey");
        KeyRing ring = ring(ecArn);

        for (int i = 0; i < 5; i++) {
            KmsSignerContract.issue(ring, Clock.systemUTC());
        }

        assertThat(fake.calls("Sign") - signsBefore).isEqualTo(5);
        assertThat(fake.calls("GetPublicKey") - keysBefore).isEqualTo(1);
    }

    @Test
    void signWhenAThousandEs256SignaturesThroughTheFakeThenEveryOneIs64BytesAndVerifies()
            throws Exception {
        // Every one goes through the SDK client, HTTP and the fake's real P-256 key (DER), then
        // is transcoded; four threads share the one signer. The 10,000-signature run is done
        // in-process (EcdsaTranscodingTest): through the fake it took about 29 s on a 2-core
        // build machine, nearly all of it P-256 signing and verification.
        var signer = new KmsJwsSigner(kms, ecArn, JWSAlgorithm.ES256);
        var header = new JWSHeader(JWSAlgorithm.ES256);
        var verified = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    var verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
                    for (int i = thread; i < SIGNATURES; i += 4) {
                        byte[] input = ("header.payload-" + i).getBytes(StandardCharsets.US_ASCII);
                        Base64URL signature = signer.sign(header, input);
                        byte[] jose = signature.decode();
                        assertThat(jose).hasSize(64);
                        verifier.initVerify(fake.publicKey(ecArn));
                        verifier.update(input);
                        assertThat(verifier.verify(jose)).isTrue();
                        verified.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(verified.get()).isEqualTo(SIGNATURES);
        System.out.printf("KmsJwsSignerTest: %d ES256 signatures through the fake KMS in %d ms%n",
                SIGNATURES,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    static Stream<Arguments> kmsErrors() {
        return Stream.of(
                Arguments.of(400, "ThrottlingException", FailureKind.TRANSIENT),
                Arguments.of(500, "KMSInternalException", FailureKind.TRANSIENT),
                Arguments.of(400, "KMSInternalException", FailureKind.TRANSIENT),
                Arguments.of(503, "DependencyTimeoutException", FailureKind.TRANSIENT),
                Arguments.of(500, "KeyUnavailableException", FailureKind.TRANSIENT),
                Arguments.of(400, "DisabledException", FailureKind.PERMANENT),
                Arguments.of(400, "KMSInvalidStateException", FailureKind.PERMANENT),
                Arguments.of(400, "AccessDeniedException", FailureKind.PERMANENT),
                Arguments.of(400, "NotFoundException", FailureKind.PERMANENT),
                Arguments.of(400, "InvalidKeyUsageException", FailureKind.PERMANENT));
    }

    @ParameterizedTest(name = "{1} (HTTP {0}) is {2}")
    @MethodSource("kmsErrors")
    void issueWhenKmsSignFailsThenClassifiedFailureWithoutAwsMessageAndNoToken(int status,
            String code, FailureKind kind) {
        KeyRing ring = ring(rsaArn);
        fake.failNext("Sign", status, code, Integer.MAX_VALUE);

        var failure = assertFails(() -> KmsSignerContract.issue(ring, Clock.systemUTC()), kind);

        assertThat(failure.getMessage()).contains("KMS Sign failed: " + code);
        assertNeverShows(failure, AWS_SECRET);
        assertNeverShows(failure, FakeKms.ACCOUNT);
    }

    @Test
    void issueWhenKeyDisabledAfterLoadThenPermanentFailure() {
        String arn = fake.createEcP256Key();
        KeyRing ring = ring(arn);
        fake.disable(arn);

        var failure = assertFails(() -> KmsSignerContract.issue(ring, Clock.systemUTC()),
                FailureKind.PERMANENT);

        assertThat(failure.getMessage()).contains("DisabledException");
        assertNeverShows(failure, arn);
    }

    @Test
    void issueWhenOneThrottleThenTheSdkRetriesAndTheTokenIsVended() {
        KeyRing ring = ring(ecArn);
        int before = fake.calls("Sign");
        fake.failNext("Sign", 400, "ThrottlingException", 1);

        KmsSignerContract.issue(ring, Clock.systemUTC());

        assertThat(fake.calls("Sign") - before).isEqualTo(2);
    }

    @Test
    void issueWhenKmsUnreachableThenTransientWithinTheCallTimeout() throws IOException {
        KeyRing ring = ring(ecArn);
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (KmsClient unreachable = KmsSignerFakeTest.client(
                URI.create("http://127.0.0.1:" + port))) {
            var signer = new KmsJwsSigner(unreachable, ecArn, JWSAlgorithm.ES256);
            var key = ring.active();
            var broken = new KeyRing(List.of(new SigningKey(key.reference(),
                    key.state(), null, key.publicJwk(), signer)), KmsSignerContract.JWKS_AGE);
            long started = System.nanoTime();

            assertFails(() -> KmsSignerContract.issue(broken, Clock.systemUTC()),
                    FailureKind.TRANSIENT);

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void signWhenHeaderNamesAnotherAlgorithmThenRefusesWithoutCallingKms() {
        var signer = new KmsJwsSigner(kms, ecArn, JWSAlgorithm.ES256);
        int before = fake.calls("Sign");

        assertThat(catchThrowable(
                () -> signer.sign(new JWSHeader(JWSAlgorithm.RS256), new byte[] {1})))
                .isInstanceOf(JOSEException.class);
        assertThat(fake.calls("Sign")).isEqualTo(before);
    }

    @Test
    void constructorWhenAlgorithmNotRs256OrEs256ThenRefuses() {
        assertThat(catchThrowable(
                () -> new KmsJwsSigner(kms, ecArn, JWSAlgorithm.PS256)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
