// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
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
 * <p>Two narrower questions are answered apart, for callers that treat a busy or slow service
 * differently from a failing one (the policy store's stale copy, ADR 0011):
 * {@link #isThrottling} and {@link #isTimeout}. Both answer from exception types and error codes,
 * never from messages.
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

    /**
     * Service error codes of throttling: the service is busy and refused the call for now. The
     * SDK's own {@link AwsServiceException#isThrottlingException()} is not used here: it also
     * counts codes such as {@code LimitExceededException} and
     * {@code TransactionInProgressException}, and its list changes with SDK releases.
     */
    private static final Set<String> THROTTLING_CODES = Set.of(
            "ProvisionedThroughputExceededException",
            "ThrottlingException",
            "Throttling",
            "RequestLimitExceeded",
            "TooManyRequestsException");

    /** The package of the SDK's credentials providers (container, instance profile, chain). */
    private static final String CREDENTIALS_PACKAGE = "software.amazon.awssdk.auth.credentials.";

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
     * Whether the service throttled the call: a throttling error code
     * ({@code ProvisionedThroughputExceededException}, {@code ThrottlingException},
     * {@code Throttling}, {@code RequestLimitExceeded}, {@code TooManyRequestsException}) or
     * HTTP 429. A client-side error never is.
     */
    public static boolean isThrottling(SdkException exception) {
        Objects.requireNonNull(exception, "exception");
        if (exception instanceof AwsServiceException service
                && THROTTLING_CODES.contains(errorCode(service))) {
            return true;
        }
        return exception instanceof SdkServiceException service && service.statusCode() == 429;
    }

    /**
     * Whether the call ran out of time or never reached the endpoint: the SDK's API call or
     * attempt timeout, or a client error caused by a connect or read timeout
     * ({@link SocketTimeoutException}, {@link HttpTimeoutException}) or by a connection the
     * endpoint's address refused or could not route ({@link ConnectException},
     * {@link NoRouteToHostException}). An endpoint that can not be connected to is counted as
     * timed out: from the caller's side it is the same silence, only sooner.
     *
     * <p>Not counted: a connection reset or closed after the request was sent (the endpoint, or
     * something in front of it, took the request and dropped it), a name that does not resolve,
     * credentials that can not be loaded (even when their own endpoint timed out or refused the
     * connection: that is Vend's outage, not the store's), and every service error, 5xx
     * included.
     */
    public static boolean isTimeout(SdkException exception) {
        Objects.requireNonNull(exception, "exception");
        if (exception instanceof SdkServiceException || fromCredentialsProvider(exception)) {
            return false;
        }
        @Nullable Throwable current = exception;
        // Bounded, in case a library builds a cause cycle.
        for (int depth = 0; depth < 16 && current != null; depth++) {
            if (isTimeoutType(current)) {
                return true;
            }
            current = current.getCause();
        }
        return false;
    }

    /**
     * Whether the failure was raised while loading credentials. The SDK has no type for it: a
     * provider throws a plain client exception, whose cause may be the same connect or read
     * timeout an HTTP attempt would give. What tells them apart is where it was thrown: some
     * exception of the chain was made inside a credentials provider.
     */
    private static boolean fromCredentialsProvider(SdkException exception) {
        @Nullable Throwable current = exception;
        for (int depth = 0; depth < 16 && current != null; depth++) {
            for (StackTraceElement frame : current.getStackTrace()) {
                if (frame.getClassName().startsWith(CREDENTIALS_PACKAGE)) {
                    return true;
                }
            }
            current = current.getCause();
        }
        return false;
    }

    private static boolean isTimeoutType(Throwable throwable) {
        return throwable instanceof ApiCallTimeoutException
                || throwable instanceof ApiCallAttemptTimeoutException
                || throwable instanceof SocketTimeoutException
                || throwable instanceof HttpTimeoutException
                || throwable instanceof ConnectException
                || throwable instanceof NoRouteToHostException;
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
