// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns AWS SDK exceptions into {@link VendingFailure}s whose message and cause carry the service
 * error code and HTTP status, never the service's error message.
 *
 * <p>AWS error messages can name ARNs, account ids, role and table names (for example
 * {@code User: arn:aws:sts::123456789012:assumed-role/... is not authorized}), so STYLE 4.4 keeps
 * them out of everything Vend logs or returns, after octo-sts's {@code awserr.Sanitize}. The
 * original exception is not attached as the cause either, because whoever logs the failure would
 * print its message; a {@link SanitisedAwsException} with the original stack trace stands in.
 *
 * <p>Kinds: throttling, HTTP 5xx, expired credentials, clock skew and every client-side error
 * (I/O, timeouts, credentials not loadable yet) are {@link FailureKind#TRANSIENT}; every other
 * service error (access denied, resource not found, validation, unrecognised client) is
 * {@link FailureKind#PERMANENT}.
 *
 * <p>Stateless and thread-safe.
 */
public final class AwsFailures {

    /**
     * Service error codes that are transient whatever their HTTP status. DynamoDB reports
     * throttling as HTTP 400, so the status alone is not enough. The SDK's own throttling
     * detection ({@link AwsServiceException#isThrottlingException()}) is consulted as well.
     */
    private static final Set<String> TRANSIENT_CODES = Set.of(
            "ProvisionedThroughputExceededException",
            "RequestLimitExceeded",
            "ThrottlingException",
            "Throttling",
            "TooManyRequestsException",
            "TransactionConflictException",
            "InternalServerError",
            "ServiceUnavailable",
            "RequestTimeout",
            // Credentials the provider chain will refresh on a later call; not a misconfiguration.
            "ExpiredTokenException");

    private AwsFailures() {
    }

    /**
     * The failure for an SDK exception.
     *
     * @param operation what was attempted, for operators, e.g. {@code "DynamoDB PutItem"}; must
     *     not contain secrets or request data
     * @param exception what the SDK threw
     * @return a failure whose message is {@code "<operation> failed: <code> (HTTP <status>)"} for
     *     service errors and {@code "<operation> failed: <exception class>"} for client errors
     */
    public static VendingFailure failure(String operation, SdkException exception) {
        Objects.requireNonNull(operation, "operation");
        var description = describe(exception);
        var cause = new SanitisedAwsException(description, exception.getStackTrace());
        return new VendingFailure(kindOf(exception), operation + " failed: " + description, cause);
    }

    /** Whether retrying may help with this exception; see the class comment. */
    public static FailureKind kindOf(SdkException exception) {
        if (exception instanceof AwsServiceException service) {
            var transientError = service.isThrottlingException()
                    || service.isClockSkewException()
                    || TRANSIENT_CODES.contains(errorCode(service))
                    || service.statusCode() >= 500;
            return transientError ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
        }
        if (exception instanceof SdkServiceException service) {
            var transientError = service.isThrottlingException() || service.statusCode() >= 500;
            return transientError ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
        }
        // SdkClientException and its subclasses (ApiCallTimeoutException,
        // ApiCallAttemptTimeoutException, AbortedException): I/O, timeouts, no credentials yet.
        return FailureKind.TRANSIENT;
    }

    /**
     * A description safe to log: the error code and HTTP status of a service error, or the class
     * names of a client error and its root cause. Never any exception's message.
     */
    public static String describe(SdkException exception) {
        Objects.requireNonNull(exception, "exception");
        if (exception instanceof AwsServiceException service) {
            var code = errorCode(service);
            var shown = code != null ? code : service.getClass().getSimpleName();
            return shown + " (HTTP " + service.statusCode() + ")";
        }
        if (exception instanceof SdkServiceException service) {
            return service.getClass().getSimpleName() + " (HTTP " + service.statusCode() + ")";
        }
        var name = exception.getClass().getSimpleName();
        var root = rootCause(exception);
        return root == exception ? name : name + " caused by " + root.getClass().getSimpleName();
    }

    private static @Nullable String errorCode(AwsServiceException exception) {
        var details = exception.awsErrorDetails();
        var code = details != null ? details.errorCode() : null;
        return code == null || code.isBlank() ? null : code;
    }

    private static Throwable rootCause(Throwable throwable) {
        var current = throwable;
        // Bounded, in case a library builds a cause cycle.
        for (int depth = 0; depth < 16 && current.getCause() != null; depth++) {
            current = current.getCause();
        }
        return current;
    }
}
