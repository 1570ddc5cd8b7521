// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Vend could not do its job: a dependency failed or Vend itself is at fault. Nothing is issued.
 * The message is for operators and must be sanitised (no AWS error messages, which can carry
 * ARNs and account ids); it never reaches the caller.
 */
public final class VendingFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FailureKind kind;

    public VendingFailure(FailureKind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** A transient failure: an outage, throttle or timeout. */
    public static VendingFailure transientFailure(String message, @Nullable Throwable cause) {
        return new VendingFailure(FailureKind.TRANSIENT, message, cause);
    }

    /** A permanent failure: retrying will not help. */
    public static VendingFailure permanent(String message, @Nullable Throwable cause) {
        return new VendingFailure(FailureKind.PERMANENT, message, cause);
    }

    /** Whether retrying may help. */
    public FailureKind kind() {
        return kind;
    }
}
