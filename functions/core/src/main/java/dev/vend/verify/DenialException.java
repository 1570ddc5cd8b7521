// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.model.VerifiedIdentity;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The request was refused. An expected outcome, not a bug: it carries no stack trace, is never
 * logged at error level, and its detail is for the audit record only, never for the caller.
 */
public final class DenialException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final DenialReason reason;
    private final transient @Nullable VerifiedIdentity identity;

    /**
     * @param reason why the request was refused
     * @param detail an operator-facing detail; must hold no token, proof or signature bytes
     */
    public DenialException(DenialReason reason, String detail) {
        this(reason, detail, null);
    }

    /**
     * A refusal after the evidence verified (a replayed {@code jti} or challenge), carrying the
     * identity so the audit record says who was refused.
     */
    public DenialException(DenialReason reason, String detail, @Nullable VerifiedIdentity identity) {
        super(detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.identity = identity;
    }

    /** The verified identity, when the refusal came after verification. */
    public Optional<VerifiedIdentity> identity() {
        return Optional.ofNullable(identity);
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
