// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

/**
 * Stands in for an AWS SDK exception as the cause of a {@link dev.vend.verify.VendingFailure}:
 * the same stack trace, a message made only of the error code, HTTP status or class names, and
 * no cause, so that logging the failure never prints an AWS error message.
 *
 * <p>Immutable once constructed; built only by {@link AwsFailures}.
 */
public final class SanitisedAwsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SanitisedAwsException(String description, StackTraceElement[] stackTrace) {
        super(description, null, false, true);
        setStackTrace(stackTrace);
    }
}
