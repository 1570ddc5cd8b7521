// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.model.AwsCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AwsSessionRulesTest {

    private static final String ROLE = "arn:aws:iam::111111111111:role/deploy";

    private static AwsSessionRequest request(Map<String, String> tags, String sourceIdentity,
            Duration duration) {
        return new AwsSessionRequest(ROLE, "vend-gh-deploy", tags, sourceIdentity, null,
                duration);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"repository_id", "vend:policy_id", "a", "k-1.2/3=4+5@6",
            "Ünïcödé Schlüssel"})
    void validTagKeyWhenStsCharsetThenAccepts(String key) {
        assertThat(AwsSessionRules.validTagKey(key)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "aws:x", "AWS:x", "a;b", "a*b", "a\"b", "a\nb"})
    void validTagKeyWhenOutsideStsRulesThenRefuses(String key) {
        assertThat(AwsSessionRules.validTagKey(key)).isFalse();
    }

    @Test
    void validTagKeyAndValueWhenAtTheLengthLimitsThenAcceptsAndOneMoreRefuses() {
        assertThat(AwsSessionRules.validTagKey("k".repeat(128))).isTrue();
        assertThat(AwsSessionRules.validTagKey("k".repeat(129))).isFalse();
        assertThat(AwsSessionRules.validTagValue("")).isTrue();
        assertThat(AwsSessionRules.validTagValue("v".repeat(256))).isTrue();
        assertThat(AwsSessionRules.validTagValue("v".repeat(257))).isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"ab", "vend-gh_deploy.1@x=y,z+w"})
    void validSessionNameWhenPatternMatchesThenAccepts(String name) {
        assertThat(AwsSessionRules.validSessionName(name)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"a", "has space", "a/b", "a:b"})
    void validSessionNameWhenPatternFailsThenRefuses(String name) {
        assertThat(AwsSessionRules.validSessionName(name)).isFalse();
        assertThat(AwsSessionRules.validSessionName("x".repeat(65))).isFalse();
    }

    @Test
    void problemsWhenValidRequestThenNone() {
        assertThat(AwsSessionRules.problems(request(Map.of("vend:policy_id", "p"), "repo-1",
                Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void problemsWhenEverythingWrongThenListsEachWithoutValues() {
        var tags = new HashMap<String, String>();
        tags.put("aws:secret", "x");
        tags.put("ok", "bad;value-SECRETVALUE");
        var request = new AwsSessionRequest("arn:aws:iam::1:role/x", "a", tags, "aws:me", null,
                Duration.ofHours(2));

        var problems = AwsSessionRules.problems(request);

        assertThat(problems).hasSize(6);
        assertThat(String.join("\n", problems)).doesNotContain("SECRETVALUE");
    }

    @Test
    void problemsWhenMoreThanFiftyTagsThenRefuses() {
        var tags = new HashMap<String, String>();
        for (int i = 0; i < 51; i++) {
            tags.put("k" + i, "v");
        }

        assertThat(AwsSessionRules.problems(request(tags, null, Duration.ofMinutes(15))))
                .singleElement().asString().contains("more than 50");
    }

    @Test
    void problemsWhenShorterThanFifteenMinutesThenRefuses() {
        assertThat(AwsSessionRules.problems(request(Map.of(), null, Duration.ofMinutes(14))))
                .singleElement().asString().contains("900 and 3600");
    }

    @Test
    void credentialsToStringWhenPrintedThenHidesSecretAndToken() {
        var credentials = new AwsCredentials("ASIAX", "SECRETKEY", "SESSIONTOKEN",
                Instant.EPOCH);

        assertThat(credentials.toString()).contains("ASIAX").doesNotContain("SECRETKEY")
                .doesNotContain("SESSIONTOKEN");
    }
}
