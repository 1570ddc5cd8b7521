// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.util.Locale;

/** Whether a failure of Vend or a dependency may pass if the caller retries. */
public enum FailureKind {
    /** Retrying can not help (a disabled key, a misconfiguration): 500 {@code server_error}. */
    PERMANENT,
    /** An outage, throttle or timeout: 503 {@code temporarily_unavailable}. */
    TRANSIENT;

    /** The snake_case name recorded as the audit {@code reason}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
