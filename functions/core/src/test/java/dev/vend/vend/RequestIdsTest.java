// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.RestoreAware;
import org.junit.jupiter.api.Test;

/** The process-wide generator of request ids, and its restore hook. */
class RequestIdsTest {

    @Test
    void restoreAwareWhenAnIdWasDrawnThenHoldsTheGenerator() {
        RequestIds.next();

        assertThat(RequestIds.restoreAware().restoreState())
                .isEqualTo("request id random generator held");
    }

    @Test
    void afterRestoreWhenCalledThenTheGeneratorIsForgottenAndTheNextIdStillHasTheShape() {
        RequestIds.next();

        RequestIds.restoreAware().afterRestore();
        assertThat(RequestIds.restoreAware().restoreState())
                .isEqualTo(RestoreAware.NOTHING_CAPTURED);
        String afterRestore = RequestIds.next();

        assertThat(afterRestore).hasSize(RequestIds.LENGTH).matches("[0-9a-f]+");
        assertThat(RequestIds.restoreAware().restoreState())
                .isEqualTo("request id random generator held");
    }
}
