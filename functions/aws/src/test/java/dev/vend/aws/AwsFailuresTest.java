// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.verify.FailureKind;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
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

    @Test
    void describeWhenNoErrorCodeThenClassNameAndStatus() {
        var exception = AwsServiceException.builder().message(SECRET).statusCode(403).build();

        assertThat(AwsFailures.describe(exception)).isEqualTo("AwsServiceException (HTTP 403)");
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
