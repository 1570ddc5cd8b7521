// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.verify.FailureKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

class AwsFailuresTest {

    private static final String SECRET = "arn:aws:iam::123456789012:role/vend-fn";

    @Test
    void failureWhenClientErrorThenTransientNamingClassesOnly() {
        var cause = new ConnectException("Connection refused to " + SECRET);
        var exception = SdkClientException.create("Unable to execute HTTP request: " + SECRET,
                cause);

        var failure = AwsFailures.failure("DynamoDB PutItem", exception);

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(failure.getMessage()).isEqualTo(
                "DynamoDB PutItem failed: SdkClientException caused by ConnectException");
        assertNeverShows(failure, SECRET);
    }

    @Test
    void failureWhenCallOrAttemptTimedOutThenTransient() {
        SdkException call = ApiCallTimeoutException.create(3000);
        SdkException attempt = ApiCallAttemptTimeoutException.create(2000);

        assertThat(AwsFailures.failure("op", call).kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsFailures.failure("op", attempt).kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsFailures.failure("op", call).getMessage())
                .isEqualTo("op failed: ApiCallTimeoutException");
    }

    @Test
    void failureWhenServiceErrorThenCauseIsSanitisedWithTheOriginalStackTrace() {
        var exception = serviceError("AccessDeniedException", 400);

        var failure = AwsFailures.failure("KMS Sign", exception);

        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(failure.getCause()).isInstanceOf(SanitisedAwsException.class)
                .hasMessage("AccessDeniedException (HTTP 400)")
                .hasNoCause();
        assertThat(failure.getCause().getStackTrace()).isEqualTo(exception.getStackTrace());
        assertNeverShows(failure, SECRET);
    }

    @Test
    void kindOfWhenUnknownServerErrorThenTransientAndUnknownClientErrorThenPermanent() {
        assertThat(AwsFailures.kindOf(serviceError("SomethingNew", 502)))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsFailures.kindOf(serviceError("SomethingNew", 400)))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(AwsFailures.kindOf(serviceError("ExpiredTokenException", 400)))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @ParameterizedTest(name = "{0} (HTTP {1})")
    @CsvSource({"ProvisionedThroughputExceededException, 400", "ThrottlingException, 400",
        "Throttling, 400", "RequestLimitExceeded, 400", "TooManyRequestsException, 429",
        "SomethingNew, 429"})
    void isThrottlingWhenThrottlingCodeOrHttp429ThenTrue(String code, int status) {
        assertThat(AwsFailures.isThrottling(serviceError(code, status))).isTrue();
    }

    @ParameterizedTest(name = "{0} (HTTP {1})")
    @CsvSource({"InternalServerError, 500", "ServiceUnavailable, 503", "AccessDeniedException, 400",
        "ResourceNotFoundException, 400", "RequestTimeTooSkewed, 400",
        "ExpiredTokenException, 400", "LimitExceededException, 400",
        "TransactionConflictException, 400"})
    void isThrottlingWhenAnyOtherServiceErrorThenFalse(String code, int status) {
        assertThat(AwsFailures.isThrottling(serviceError(code, status))).isFalse();
    }

    @Test
    void isThrottlingWhenClientErrorThenFalse() {
        assertThat(AwsFailures.isThrottling(ApiCallTimeoutException.create(3000))).isFalse();
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
                Arguments.of("API call timeout", ApiCallTimeoutException.create(3000)),
                Arguments.of("API call attempt timeout",
                        ApiCallAttemptTimeoutException.create(2000)),
                Arguments.of("read timed out", httpFailure(new SocketTimeoutException(
                        "Read timed out"))),
                Arguments.of("connect timed out", httpFailure(new SocketTimeoutException(
                        "connect timed out"))),
                Arguments.of("connect timed out (JDK HTTP client)", httpFailure(
                        new HttpConnectTimeoutException("HTTP connect timed out"))),
                Arguments.of("connection refused", httpFailure(new ConnectException(
                        "Connection refused"))),
                Arguments.of("no route to host", httpFailure(new NoRouteToHostException(
                        "No route to host"))),
                Arguments.of("timeout deeper in the chain", httpFailure(new IOException("wrapped",
                        new SocketTimeoutException("Read timed out")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeouts")
    void isTimeoutWhenTheCallRanOutOfTimeOrCouldNotConnectThenTrue(String label,
            SdkException exception) {
        assertThat(AwsFailures.isTimeout(exception)).isTrue();
    }

    static Stream<Arguments> notTimeouts() {
        return Stream.of(
                Arguments.of("connection reset", httpFailure(new SocketException(
                        "Connection reset"))),
                Arguments.of("unexpected end of stream", httpFailure(new IOException(
                        "Unexpected end of file from server"))),
                Arguments.of("name does not resolve", httpFailure(new UnknownHostException(
                        "dynamodb.example.invalid"))),
                Arguments.of("no credentials", SdkClientException.create(
                        "Unable to load credentials from any of the providers in the chain")),
                Arguments.of("HTTP 500", serviceError("InternalServerError", 500)),
                Arguments.of("HTTP 504", serviceError("GatewayTimeout", 504)),
                Arguments.of("throttled", serviceError("ThrottlingException", 400)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notTimeouts")
    void isTimeoutWhenAnyOtherFailureThenFalse(String label, SdkException exception) {
        assertThat(AwsFailures.isTimeout(exception)).isFalse();
    }

    @Test
    void describeWhenNoErrorCodeThenClassNameAndStatus() {
        var exception = AwsServiceException.builder().message(SECRET).statusCode(403).build();

        assertThat(AwsFailures.describe(exception)).isEqualTo("AwsServiceException (HTTP 403)");
    }

    /** What the SDK throws when an HTTP attempt fails with this I/O error. */
    private static SdkClientException httpFailure(IOException cause) {
        return SdkClientException.create("Unable to execute HTTP request: " + SECRET, cause);
    }

    private static AwsServiceException serviceError(String code, int status) {
        return AwsServiceException.builder()
                .message(SECRET + " is not authorized")
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(SECRET + " is not authorized")
                        .build())
                .build();
    }
}
