// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on {@link VendingFailure}s from the AWS adapters. Stateless and thread-safe. */
public final class FailureAssertions {

    private FailureAssertions() {
    }

    /** Runs the call, asserts it threw a failure of this kind, and returns the failure. */
    public static VendingFailure assertFails(ThrowingCallable call, FailureKind kind) {
        var thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(VendingFailure.class);
        var failure = (VendingFailure) thrown;
        assertThat(failure.kind()).as("failure kind of: %s", failure.getMessage()).isEqualTo(kind);
        return failure;
    }

    /**
     * Asserts that nothing logging the failure could print the text: not its message, nor any
     * cause's message, nor its printed stack trace.
     */
    public static void assertNeverShows(Throwable failure, String text) {
        assertThat(text).as("the text to look for").isNotBlank();
        var trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(text);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(text);
            assertThat(t.toString()).doesNotContain(text);
        }
    }
}
