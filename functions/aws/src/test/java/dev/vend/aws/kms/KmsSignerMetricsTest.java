// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.issue.SigningKey;
import dev.vend.issue.SigningKeyConfig;
import dev.vend.metrics.Metric;
import dev.vend.metrics.RequestMetrics;
import dev.vend.testsupport.FakeKms;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** What KMS signing records into the request's metrics, against {@link FakeKms}. */
class KmsSignerMetricsTest {

    private static final byte[] SIGNING_INPUT =
            "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJtZXRyaWNzIn0".getBytes(StandardCharsets.US_ASCII);

    private static FakeKms fake;
    private static KmsClient kms;
    private static String ecArn;

    private final RequestMetrics metrics = new RequestMetrics();

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        kms = KmsSignerFakeTest.client(fake.endpoint());
        ecArn = fake.createEcP256Key();
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

    private SigningKey loadedKey() {
        var config = SigningKeyConfig.parseList(
                "[{\"arn\":\"" + ecArn + "\",\"state\":\"active\"}]");
        return KmsSigningKeys.load(config, kms, metrics).get(0);
    }

    @Test
    void signWhenKmsSignsThenOneKmsLatencyAndAGenuineSignature() throws Exception {
        SigningKey key = loadedKey();
        var header = new JWSHeader(JWSAlgorithm.ES256);

        try (var scope = metrics.open()) {
            Base64URL signature = key.signer().sign(header, SIGNING_INPUT);

            assertThat(scope.recorded()).containsOnlyKeys(Metric.KMS_LATENCY);
            assertThat(scope.recorded().get(Metric.KMS_LATENCY)).singleElement()
                    .satisfies(ms -> assertThat(ms).isPositive());
            assertThat(new ECDSAVerifier((ECPublicKey) fake.publicKey(ecArn))
                    .verify(header, SIGNING_INPUT, signature)).isTrue();
        }
    }

    @Test
    void signWhenKmsThrottlesThenTheFailedCallIsMeasuredToo() {
        SigningKey key = loadedKey();
        fake.failNext("Sign", 400, "ThrottlingException", 10);

        try (var scope = metrics.open()) {
            assertThatThrownBy(() -> key.signer().sign(new JWSHeader(JWSAlgorithm.ES256),
                    SIGNING_INPUT)).isInstanceOf(JOSEException.class);

            assertThat(scope.recorded()).containsOnlyKeys(Metric.KMS_LATENCY);
        }
    }

    @Test
    void loadWhenPublicKeysAreFetchedThenNothingIsRecorded() {
        try (var scope = metrics.open()) {
            loadedKey();

            assertThat(scope.recorded()).isEmpty();
        }
    }

    @Test
    void signWhenSignerWasBuiltWithoutMetricsThenRecordsNothing() throws Exception {
        var signer = new KmsJwsSigner(kms, ecArn, JWSAlgorithm.ES256);
        int signCalls = fake.calls("Sign");

        try (var scope = metrics.open()) {
            signer.sign(new JWSHeader(JWSAlgorithm.ES256), SIGNING_INPUT);

            assertThat(scope.recorded()).isEmpty();
        }
        assertThat(fake.calls("Sign")).isEqualTo(signCalls + 1);
    }
}
