// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.util.Objects;

/**
 * The request was refused. An expected outcome, not a bug: it carries no stack trace, is never
 * logged at error level, and its detail is for the audit record only, never for the caller.
 */
public final class DenialException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final DenialReason reason;

    /**
     * @param reason why the request was refused
     * @param detail an operator-facing detail; must hold no token, proof or signature bytes
     */
    public DenialException(DenialReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the request was refused. */
    public DenialReason reason() {
        return reason;
    }

    /** The operator-facing detail. */
    public String detail() {
        return getMessage();
    }
}
