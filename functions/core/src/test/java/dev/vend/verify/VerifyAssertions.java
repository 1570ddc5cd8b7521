// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The one assertion helper of the verify tests: a call is refused, for exactly this reason. */
public final class VerifyAssertions {

    private VerifyAssertions() {
    }

    /**
     * Asserts that the call throws a {@link DenialException} (not any other throwable, not an
     * error such as {@code StackOverflowError}) whose reason is {@code expected}.
     *
     * @return the denial, for further checks on its detail
     */
    public static DenialException assertDenied(ThrowingCallable call, DenialReason expected) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown)
                .as("expected a denial for %s", expected)
                .isInstanceOf(DenialException.class);
        DenialException denial = (DenialException) thrown;
        assertThat(denial.reason())
                .as("denial reason (detail: %s)", denial.detail())
                .isEqualTo(expected);
        return denial;
    }

    /** Asserts that the call fails closed with a {@link VendingFailure} of this kind. */
    public static VendingFailure assertFailure(ThrowingCallable call, FailureKind expected) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown)
                .as("expected a vending failure of kind %s", expected)
                .isInstanceOf(VendingFailure.class);
        VendingFailure failure = (VendingFailure) thrown;
        assertThat(failure.kind()).isEqualTo(expected);
        return failure;
    }
}
