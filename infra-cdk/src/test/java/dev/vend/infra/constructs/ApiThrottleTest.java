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

    @org.junit.jupiter.api.Test
    void challengeDefaultsWhenComparedToStageDefaultsThenAreTighter() {
        assertThat(ApiThrottle.CHALLENGE_DEFAULTS.isWithin(ApiThrottle.DEFAULTS)).isTrue();
        assertThat(ApiThrottle.CHALLENGE_DEFAULTS).isNotEqualTo(ApiThrottle.DEFAULTS);
    }

    @org.junit.jupiter.api.Test
    void challengeDefaultForWhenStageIsSmallThenIsATenthWithABurstOfAtLeastOne() {
        assertThat(ApiThrottle.challengeDefaultFor(new ApiThrottle(20, 5.5)))
                .isEqualTo(new ApiThrottle(2, 0.55));
        assertThat(ApiThrottle.challengeDefaultFor(new ApiThrottle(5, 1)))
                .isEqualTo(new ApiThrottle(1, 0.1));
    }

    @org.junit.jupiter.api.Test
    void httpApiPropsWhenChallengeLimitsExceedTheStageThenRefuses() {
        assertThatThrownBy(() -> new VendingHttpApiProps(new ApiThrottle(10, 5),
                new ApiThrottle(20, 5), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("POST /challenge");
    }
}
