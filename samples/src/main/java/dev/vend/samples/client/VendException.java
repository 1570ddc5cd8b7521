// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.client;

/**
 * An RFC 6749 §5.2 error from Vend, or a failure to reach it. The subclasses say what a caller
 * can do: nothing ({@link Refused}), retry later ({@link Unavailable}), or report
 * ({@link ServerError}). Messages never contain the proof or the token.
 */
public abstract sealed class VendException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final String requestId;

    VendException(String error, String description, String requestId, Throwable cause) {
        super(error + ": " + description + (requestId.isEmpty() ? "" : " (request " + requestId + ")"),
                cause);
        this.error = error;
        this.requestId = requestId;
    }

    /** The RFC 6749 {@code error} code, or {@code unreachable}. */
    public String error() {
        return error;
    }

    /** Vend's request id, for the operator's audit log; empty when Vend was not reached. */
    public String requestId() {
        return requestId;
    }

    /** HTTP 400: the proof, the request or the policy refused it. Retrying will not help. */
    public static final class Refused extends VendException {
        private static final long serialVersionUID = 1L;

        Refused(String error, String description, String requestId) {
            super(error, description, requestId, null);
        }
    }

    /** HTTP 503 or unreachable, after every retry. */
    public static final class Unavailable extends VendException {
        private static final long serialVersionUID = 1L;

        Unavailable(String error, String description, String requestId, Throwable cause) {
            super(error, description, requestId, cause);
        }
    }

    /** HTTP 500 or an answer that is not Vend's: report it. */
    public static final class ServerError extends VendException {
        private static final long serialVersionUID = 1L;

        ServerError(String error, String description, String requestId) {
            super(error, description, requestId, null);
        }
    }
}
