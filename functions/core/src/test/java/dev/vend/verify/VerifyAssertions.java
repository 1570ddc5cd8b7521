// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The assertion helpers of the verify tests: a call is refused for exactly this reason, fails
 * closed, or never fails whatever it is given.
 */
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

    /**
     * Asserts that the call returns or throws a {@link DenialException}: whatever the input, a
     * verifier refuses it rather than failing (which the caller would see as a 500).
     *
     * @param input what the call was given, for the failure message
     */
    public static void assertAcceptedOrDenied(ThrowingCallable call, String input) {
        Throwable thrown = catchThrowable(call);
        if (thrown != null) {
            assertThat(thrown).as("outcome for %s", input).isInstanceOf(DenialException.class);
        }
    }

    /**
     * Seeded copies of {@code der} with one to four bytes changed, half of them also cut short at
     * a random length: what a parser of signed structures meets when a caller tampers with one.
     */
    public static List<byte[]> mutations(byte[] der, long seed, int count) {
        var random = new Random(seed);
        var copies = new ArrayList<byte[]>(count);
        for (int i = 0; i < count; i++) {
            byte[] copy = random.nextBoolean() ? der.clone()
                    : Arrays.copyOf(der, 1 + random.nextInt(der.length - 1));
            int flips = 1 + random.nextInt(4);
            for (int flip = 0; flip < flips; flip++) {
                copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
            }
            copies.add(copy);
        }
        return copies;
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
