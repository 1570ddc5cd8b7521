// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DynaliteExtension.class)
class DynaliteExtensionTest {

    private static Dynalite fromBeforeAll;

    @BeforeAll
    static void capture(Dynalite dynalite) {
        fromBeforeAll = dynalite;
    }

    @Test
    void resolveParameterWhenDynaliteThenSharedRunningInstance(Dynalite dynalite) throws Exception {
        assertThat(dynalite).isSameAs(fromBeforeAll).isSameAs(Dynalite.shared());
        assertThat(dynalite.isRunning()).isTrue();
        var response = DynaliteTest.call(dynalite.endpoint(), "ListTables", "{}");
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
