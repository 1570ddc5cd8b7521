// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.verify.InvalidConfigurationException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SigningKeyConfigTest {

    private static final String ARN_A =
            "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String ARN_B =
            "arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    private static final String ARN_C = "arn:aws-us-gov:kms:us-gov-west-1:222222222222:key/"
            + "0000aaaa-0000-0000-0000-000000000000";

    private static List<String> problems(String json) {
        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> SigningKeyConfig.parseList(json));
        assertThat(refused).as("refusal of %s", json).isNotNull();
        return refused.problems();
    }

    private static String entry(String arn, String state, String until) {
        return "{\"arn\":\"" + arn + "\",\"state\":\"" + state + "\""
                + (until == null ? "" : ",\"published_until\":\"" + until + "\"") + "}";
    }

    private static String retiring(String arn, String retiredAt, String until) {
        return "{\"arn\":\"" + arn + "\",\"state\":\"retiring\",\"retired_at\":\""
                + retiredAt + "\",\"published_until\":\"" + until + "\"}";
    }

    @Test
    void parseListWhenRotationInProgressThenReadsEveryKey() {
        String json = "[" + entry(ARN_A, "active", null) + ","
                + entry(ARN_B, "next", null) + ","
                + retiring(ARN_C, "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z") + "]";

        List<SigningKeyConfig> keys = SigningKeyConfig.parseList(json);

        assertThat(keys).containsExactly(
                new SigningKeyConfig(ARN_A, KeyState.ACTIVE, null),
                new SigningKeyConfig(ARN_B, KeyState.NEXT, null),
                new SigningKeyConfig(ARN_C, KeyState.RETIRING,
                        Instant.parse("2030-01-02T00:00:00Z"),
                        Instant.parse("2030-01-01T00:00:00Z"), null));
    }

    @Test
    void parseListWhenActiveKeyGivesPublishedSinceThenReadsIt() {
        String json = "[{\"arn\":\"" + ARN_A + "\",\"state\":\"active\","
                + "\"published_since\":\"2030-01-01T00:00:00Z\"}]";

        assertThat(SigningKeyConfig.parseList(json)).singleElement()
                .extracting(SigningKeyConfig::publishedSince)
                .isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void parseListWhenRetiringWithoutRetiredAtThenRefuses() {
        assertThat(problems("[" + entry(ARN_A, "retiring", "2030-01-02T00:00:00Z") + "]"))
                .singleElement().asString().contains("a retiring key needs retired_at");
    }

    @Test
    void parseListWhenActiveKeyHasRetiredAtThenRefuses() {
        String json = "[{\"arn\":\"" + ARN_A + "\",\"state\":\"active\","
                + "\"retired_at\":\"2030-01-01T00:00:00Z\"}]";

        assertThat(problems(json)).singleElement().asString()
                .contains("only a retiring key has retired_at");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"arn:aws:kms:eu-west-1:111111111111:alias/vend-signing",
            "alias/vend-signing", "1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:111111111111:key/", "arn:aws:kms:eu-west-1:1111:key/abc",
            "arn:aws:iam::111111111111:role/vend", ""})
    void parseListWhenKeyIsNotAKmsKeyArnThenRefusesAliasesAndTheRest(String arn) {
        assertThat(problems("[" + entry(arn, "active", null) + "]")).singleElement().asString()
                .contains("give a KMS key ARN").contains("aliases are refused");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"enabled", "", "retired", "primary"})
    void parseListWhenStateUnknownThenRefuses(String state) {
        assertThat(problems("[" + entry(ARN_A, state, null) + "]")).singleElement().asString()
                .contains(ARN_A).contains("state must be next, active or retiring");
    }

    @Test
    void parseListWhenStateInOtherLetterCaseThenAccepts() {
        assertThat(SigningKeyConfig.parseList("[" + entry(ARN_A, "Active", null) + "]"))
                .singleElement().extracting(SigningKeyConfig::state).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void parseListWhenRetiringWithoutPublishedUntilThenRefuses() {
        assertThat(problems("[" + retiring(ARN_A, "2030-01-01T00:00:00Z", "x")
                .replace(",\"published_until\":\"x\"", "") + "]")).singleElement()
                .asString().contains("a retiring key needs published_until");
    }

    @Test
    void parseListWhenPublishedUntilNotAnInstantThenRefuses() {
        assertThat(problems("[" + retiring(ARN_A, "2030-01-01T00:00:00Z", "tomorrow") + "]"))
                .singleElement().asString()
                .contains("published_until must be an ISO-8601 instant");
    }

    @Test
    void parseListWhenManyProblemsThenReportsEveryOneAtOnce() {
        String json = "[" + entry("alias/old", "active", null) + ","
                + entry(ARN_A, "sleeping", null) + ","
                + entry(ARN_B, "retiring", null) + ","
                + retiring(ARN_C, "2030-01-01T00:00:00Z", "soon") + "]";

        List<String> problems = problems(json);

        // ARN_B lacks both published_until and retired_at.
        assertThat(problems).hasSize(5);
        assertThat(String.join("\n", problems)).contains("alias/old")
                .contains(ARN_A + ": state must be")
                .contains(ARN_B + ": a retiring key").contains(ARN_C + ": published_until");
    }

    @Test
    void parseListWhenOneEntryHasSeveralProblemsThenReportsEachOfThem() {
        // Regression: only the first problem of an entry was reported.
        List<String> problems = problems("[" + entry("alias/x", "sleeping", "soon") + "]");

        assertThat(String.join("\n", problems)).contains("KMS key ARN").contains("state must be")
                .contains("published_until");
    }

    @Test
    void parseListWhenSameArnListedTwiceThenRefuses() {
        String json = "[" + entry(ARN_A, "active", null) + ","
                + retiring(ARN_A, "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z") + "]";

        assertThat(problems(json)).singleElement().asString().contains(ARN_A)
                .contains("listed twice");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "not json", "{}", "[]", "null", "\"arn\""})
    void parseListWhenNotANonEmptyArrayThenRefuses(String json) {
        assertThat(problems(json)).singleElement().asString().startsWith("signing keys:");
    }
}
