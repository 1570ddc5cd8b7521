// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An execution interceptor that a test switches between passing calls through and failing them
 * as DynamoDB does when it throttles, times out, fails, denies access or has no such table, or
 * as the SDK does when the credentials can not be loaded. Throttling and the errors are canned
 * responses in the JSON 1.0 protocol's shape (like {@link dev.vend.aws.CannedResponse}); a
 * timeout is the SDK's own exception, thrown before the request goes out; missing credentials
 * come from {@link #credentials}, which the client must use. Thread-safe.
 */
final class DynamoDbOutage implements ExecutionInterceptor {

    /** An AWS error message as real ones look; it must never reach a failure or a log. */
    static final String AWS_MESSAGE = "User: arn:aws:sts::123456789012:assumed-role/vend-fn/"
            + "secret-session is not authorized to perform: dynamodb:Query";

    /** What the next calls do. */
    enum Mode {
        NONE(0, ""),
        THROTTLED(400, "ProvisionedThroughputExceededException"),
        THROTTLED_ON_DEMAND(400, "ThrottlingException"),
        TIMEOUT(0, ""),
        ACCESS_DENIED(400, "AccessDeniedException"),
        NOT_FOUND(400, "ResourceNotFoundException"),
        INTERNAL_ERROR(500, "InternalServerError"),
        CLOCK_SKEW(400, "RequestTimeTooSkewed"),
        NO_CREDENTIALS(0, "");

        private final int status;
        private final String code;

        Mode(int status, String code) {
            this.status = status;
            this.code = code;
        }
    }

    private volatile Mode mode = Mode.NONE;
    private final AtomicInteger calls = new AtomicInteger();

    void set(Mode next) {
        mode = next;
    }

    /**
     * Credentials that resolve while the mode is not {@link Mode#NO_CREDENTIALS}, and then fail
     * as the SDK's default chain does when no provider has any.
     */
    AwsCredentialsProvider credentials(AwsCredentials credentials) {
        return () -> {
            if (mode == Mode.NO_CREDENTIALS) {
                throw SdkClientException.create("Unable to load credentials from any of the "
                        + "providers in the chain");
            }
            return credentials;
        };
    }

    /** How many HTTP attempts were made (or refused by a timeout). */
    int calls() {
        return calls.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context,
            ExecutionAttributes attributes) {
        calls.incrementAndGet();
        if (mode == Mode.TIMEOUT) {
            throw ApiCallAttemptTimeoutException.create(2000);
        }
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        Mode current = mode;
        if (current.status == 0) {
            return context.httpResponse();
        }
        return context.httpResponse().toBuilder()
                .statusCode(current.status)
                .removeHeader("x-amz-crc32")
                .build();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        Mode current = mode;
        if (current.status == 0) {
            return context.responseBody();
        }
        String json = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + current.code
                + "\",\"message\":\"" + AWS_MESSAGE + "\"}";
        return Optional.of(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
