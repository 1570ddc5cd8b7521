// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.testsupport.Fault;
import dev.vend.testsupport.FaultProxy;
import dev.vend.testsupport.TestCa;
import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The STS transport of the IAM proof: every exchange ends within its deadline. */
class HttpsStsTransportTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private FaultProxy sts;
    private HttpsStsTransport transport;

    @BeforeEach
    void start() {
        // Every request is answered by a fault; the upstream is never reached.
        sts = FaultProxy.forHttps(URI.create("https://localhost:9"), TestCa.shared());
        transport = new HttpsStsTransport(Set.of(sts.endpoint().getAuthority()), null,
                TestCa.shared().clientSslContext(), TIMEOUT);
    }

    @AfterEach
    void stop() {
        sts.close();
    }

    @Test
    void sendWhenStsAnswersThenStatusAndBody() {
        sts.inject(Fault.answer(200, "text/xml", "<GetCallerIdentityResponse/>"));
        // A first TLS handshake in a busy JVM can take longer than the short timeout.
        var patient = new HttpsStsTransport(Set.of(sts.endpoint().getAuthority()), null,
                TestCa.shared().clientSslContext(), Duration.ofSeconds(10));

        AwsVerifierConfig.StsReply reply = patient.send(request());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8))
                .isEqualTo("<GetCallerIdentityResponse/>");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sendWhenBodyStallsAfterHeadersThenTransientWithinTwiceTheTimeout() {
        // Regression: the request timeout covered only the wait for headers; an answer whose
        // body stalled held the request until the Lambda timeout.
        sts.inject(Fault.stallBody(Duration.ofSeconds(15)));
        long start = System.nanoTime();

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> transport.send(request()));

        assertThat(failure).isNotNull();
        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(TIMEOUT.multipliedBy(2).plusSeconds(1));
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sendWhenHeadersNeverComeThenTransientWithinTheTimeout() {
        sts.inject(Fault.delay(Duration.ofSeconds(15)));
        long start = System.nanoTime();

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> transport.send(request()));

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(TIMEOUT.multipliedBy(2).plusSeconds(1));
    }

    @Test
    void sendWhenConnectionResetThenTransient() {
        sts.inject(Fault.reset());

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> transport.send(request()));

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    private AwsVerifierConfig.StsRequest request() {
        return new AwsVerifierConfig.StsRequest(sts.endpoint().getAuthority(),
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                "Action=GetCallerIdentity&Version=2011-06-15");
    }
}
