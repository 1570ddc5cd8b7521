// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.RestoreAware;
import dev.vend.testsupport.Fault;
import dev.vend.testsupport.FaultProxy;
import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestOidcIssuer;
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
    /** A timeout a first TLS handshake in a busy JVM stays well within. */
    private static final Duration PATIENT = Duration.ofSeconds(10);

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

        AwsVerifierConfig.StsReply reply = patientTransport().send(request());

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
        // The whole-exchange deadline ended it: the headers had come in time.
        assertThat(failure).hasMessage("STS did not answer within " + TIMEOUT.multipliedBy(2));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(TIMEOUT.multipliedBy(2).plusSeconds(1));
    }

    /**
     * The request's own timeout ends the wait for headers, before the whole-exchange deadline
     * (twice the timeout) could: the failure names the client's timeout exception, where the
     * deadline would have said it waited twice the timeout, and comes after one timeout and
     * before two.
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sendWhenHeadersNeverComeThenTransientAtTheHeaderTimeoutBeforeTheDeadline() {
        sts.inject(Fault.delay(Duration.ofSeconds(15)));
        long start = System.nanoTime();

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> transport.send(request()));

        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(failure).hasMessageMatching("STS unreachable: Http(Connect)?TimeoutException");
        // A few milliseconds' leeway below: the client's timer and this clock differ slightly.
        assertThat(elapsed).isGreaterThan(TIMEOUT.minusMillis(50))
                .isLessThan(TIMEOUT.multipliedBy(2));
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sendWhenAnswerIsHugeThenRefusedAsSoonAsItPassesTheCapNotReadWhole() {
        // The answer announces 1 GiB, sends twice the cap and stalls. Read whole, it would hold
        // the exchange until the deadline; capped, it is refused once the cap is passed.
        sts.inject(Fault.hugeBody(2 * HttpsStsTransport.MAX_BODY, Duration.ofSeconds(15)));
        var patient = patientTransport();
        long start = System.nanoTime();

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> patient.send(request()));

        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(failure).hasMessage("STS answered more than " + HttpsStsTransport.MAX_BODY
                + " bytes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENT);
    }

    @Test
    void sendWhenAnswerIsExactlyTheCapThenReturnedWhole() {
        sts.inject(Fault.answer(200, "text/xml", "x".repeat(HttpsStsTransport.MAX_BODY)));

        AwsVerifierConfig.StsReply reply = patientTransport().send(request());

        assertThat(reply.body()).hasSize(HttpsStsTransport.MAX_BODY);
    }

    @Test
    void sendWhenConnectionResetThenTransient() {
        sts.inject(Fault.reset());

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> transport.send(request()));

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void afterRestoreWhenAConnectionWasPooledThenTheNextSendOpensANewOne() {
        // Any HTTPS server that keeps connections open shows the pool; this one answers 404.
        try (TestOidcIssuer server = TestOidcIssuer.start()) {
            String host = server.issuerUri().getAuthority();
            var pooled = new HttpsStsTransport(Set.of(host), null, server.sslContext(), PATIENT);
            var request = new AwsVerifierConfig.StsRequest(host, Map.of(), "Action=x");
            pooled.send(request);
            pooled.send(request);
            assertThat(server.connections()).isEqualTo(1);

            pooled.afterRestore();
            assertThat(pooled.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
            AwsVerifierConfig.StsReply reply = pooled.send(request);

            assertThat(reply.status()).isEqualTo(404);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(pooled.restoreState()).isEqualTo("sts proof http client held");
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void afterRestoreWhenHeadersNeverComeThenTheClientMadeNextStillTimesOut() {
        transport.afterRestore();
        sts.inject(Fault.delay(Duration.ofSeconds(5)));

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> transport.send(request()));

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void sendWhenOffTheAllowlistAfterRestoreThenStillRefused() {
        transport.afterRestore();

        VendingFailure failure = catchThrowableOfType(VendingFailure.class,
                () -> transport.send(new AwsVerifierConfig.StsRequest("sts.example.com",
                        Map.of(), "Action=GetCallerIdentity")));

        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(sts.requests()).isZero();
    }

    private HttpsStsTransport patientTransport() {
        return new HttpsStsTransport(Set.of(sts.endpoint().getAuthority()), null,
                TestCa.shared().clientSslContext(), PATIENT);
    }

    private AwsVerifierConfig.StsRequest request() {
        return new AwsVerifierConfig.StsRequest(sts.endpoint().getAuthority(),
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                "Action=GetCallerIdentity&Version=2011-06-15");
    }
}
