// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiThrottleTest {

    @ParameterizedTest(name = "burst {0}, rate {1}")
    @CsvSource({"0, 10", "-1, 10", "10, 0", "10, -0.5", "10, NaN", "10, Infinity"})
    void constructorWhenLimitWouldCloseOrBreakTheApiThenRefuses(int burst, double rate) {
        assertThatThrownBy(() -> new ApiThrottle(burst, rate))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "burst {0}, rate {1}")
    @CsvSource({"1, 0.5", "200, 100", "5000, 10000"})
    void constructorWhenLimitsArePositiveThenKeepsThem(int burst, double rate) {
        ApiThrottle throttle = new ApiThrottle(burst, rate);

        assertThat(throttle.burstLimit()).isEqualTo(burst);
        assertThat(throttle.rateLimit()).isEqualTo(rate);
    }
}
