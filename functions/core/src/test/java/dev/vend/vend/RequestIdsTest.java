// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.RestoreAware;
import java.util.HashSet;
import java.util.UUID;
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

    @Test
    void nextUuidWhenDrawnThenRandomVersionFourUuidsFromTheRenewedGenerator() {
        RequestIds.restoreAware().afterRestore();

        var uuids = new HashSet<UUID>();
        for (int i = 0; i < 1000; i++) {
            UUID uuid = RequestIds.nextUuid();
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            uuids.add(uuid);
        }

        assertThat(uuids).hasSize(1000);
        assertThat(RequestIds.restoreAware().restoreState())
                .isEqualTo("request id random generator held");
    }
}
