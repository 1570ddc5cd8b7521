// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionTest {

    private static Condition glob(String pattern) {
        return new Condition("attr", AttributeType.STRING, Condition.Glob.of(pattern));
    }

    private static Condition exact(AttributeType type, AttributeValue... values) {
        return new Condition("attr", type, new Condition.AnyOf(List.of(values)));
    }

    private static Optional<AttributeValue> str(String value) {
        return Optional.of(new AttributeValue.Str(value));
    }

    private static Optional<AttributeValue> list(String... values) {
        return Optional.of(new AttributeValue.StrList(List.of(values)));
    }

    private static Optional<AttributeValue> num(String value) {
        return Optional.of(new AttributeValue.Num(new BigDecimal(value)));
    }

    static Stream<Arguments> globCases() {
        return Stream.of(
                Arguments.of("star matches within a segment", "acme/*", "acme/app", true),
                Arguments.of("star matches an empty run", "acme/app*", "acme/app", true),
                Arguments.of("star never crosses a slash", "acme/*", "acme/app/x", false),
                Arguments.of("star never crosses a colon", "acme/*", "acme/app:x", false),
                Arguments.of("two stars still stop at a slash", "acme/**", "acme/a/b", false),
                Arguments.of("star in the middle", "refs/heads/release-*-x",
                        "refs/heads/release-1-x", true),
                Arguments.of("anchored at the start: no suffix match", "acme/app", "evil-acme/app",
                        false),
                Arguments.of("anchored at the end: no prefix match", "acme/app", "acme/app-evil",
                        false),
                Arguments.of("anchored with a star: no extra segment", "refs/heads/*",
                        "refs/heads/main/evil", false),
                Arguments.of("anchored with a star: no leading text", "refs/heads/*",
                        "xrefs/heads/main", false),
                Arguments.of("regex dot is literal", "a.c", "abc", false),
                Arguments.of("regex dot matches itself", "a.c", "a.c", true),
                Arguments.of("regex metacharacters are literal", "v[1]+(x)?$", "v[1]+(x)?$", true),
                Arguments.of("regex quote sequences are literal", "a\\Eb*", "a\\Ebc", true),
                Arguments.of("question mark is literal", "main?", "mains", false),
                Arguments.of("star matches any other character, newline too", "prod*",
                        "prod\nx", true),
                Arguments.of("case-sensitive", "Acme/*", "acme/app", false));
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} -> {3}")
    @MethodSource("globCases")
    void matchesWhenGlobThenFollowsTheMatchingLanguage(String name, String pattern, String value,
            boolean expected) {
        assertThat(glob(pattern).matches(str(value))).isEqualTo(expected);
    }

    @Test
    void matchesWhenValueIsEmptyStringThenNeverMatches() {
        assertThat(glob("*a*").matches(str(""))).isFalse();
        assertThat(new Condition("attr", AttributeType.STRING, Condition.Glob.of("x*"))
                .matches(str(""))).isFalse();
        assertThat(exact(AttributeType.STRING, new AttributeValue.Str("")).matches(str("")))
                .isFalse();
    }

    @Test
    void matchesWhenBareStarReachesTheEngineThenEmptyAndAbsentStillNeverMatch() {
        // Lint refuses a bare *, but a policy that bypassed lint must still not match "nothing".
        var anything = new Condition("groups", AttributeType.STRING_LIST, Condition.Glob.of("*"));

        assertThat(anything.matches(Optional.empty())).isFalse();
        assertThat(anything.matches(list())).isFalse();
        assertThat(anything.matches(list(""))).isFalse();
        assertThat(anything.matches(list("x"))).isTrue();
    }

    @Test
    void matchesWhenAttributeMissingThenNeverMatches() {
        assertThat(glob("a*").matches(Optional.empty())).isFalse();
        assertThat(exact(AttributeType.STRING, new AttributeValue.Str("a"))
                .matches(Optional.empty())).isFalse();
    }

    @Test
    void matchesWhenListIsEmptyThenNeverMatches() {
        var condition = new Condition("groups", AttributeType.STRING_LIST,
                new Condition.AnyOf(List.of(new AttributeValue.Str("admins"))));

        assertThat(condition.matches(list())).isFalse();
    }

    @Test
    void matchesWhenListAttributeHasAMatchingElementThenMatches() {
        var exactGroups = new Condition("groups", AttributeType.STRING_LIST,
                new Condition.AnyOf(List.of(new AttributeValue.Str("admins"))));
        var patternGroups = new Condition("groups", AttributeType.STRING_LIST,
                Condition.Glob.of("team-*"));

        assertThat(exactGroups.matches(list("dev", "admins"))).isTrue();
        assertThat(exactGroups.matches(list("dev", "admins-evil"))).isFalse();
        assertThat(patternGroups.matches(list("ops", "team-red"))).isTrue();
        assertThat(patternGroups.matches(list("ops", "team-red/x"))).isFalse();
    }

    @Test
    void matchesWhenScalarConditionMeetsAListThenNeverMatches() {
        // Field case BUG-06 D: an attacker-supplied list containing the pinned value must not
        // satisfy a condition on an attribute declared as a single string.
        var projectId = new Condition("project_id", AttributeType.STRING,
                new Condition.AnyOf(List.of(new AttributeValue.Str("53804090"))));

        assertThat(projectId.matches(list("53804090", "1"))).isFalse();
        assertThat(projectId.matches(list("53804090"))).isFalse();
        assertThat(projectId.matches(str("53804090"))).isTrue();
    }

    @Test
    void matchesWhenValueHasAnotherTypeThanDeclaredThenNeverMatches() {
        // Field case BUG-06 B: "true" vs true and "123" vs 123 are compared by type, strictly.
        var refProtected = exact(AttributeType.STRING, new AttributeValue.Str("true"));
        var projectId = exact(AttributeType.STRING, new AttributeValue.Str("123"));

        assertThat(refProtected.matches(Optional.of(new AttributeValue.Bool(true)))).isFalse();
        assertThat(projectId.matches(num("123"))).isFalse();
        assertThat(exact(AttributeType.BOOLEAN, new AttributeValue.Bool(true))
                .matches(str("true"))).isFalse();
        assertThat(exact(AttributeType.NUMBER, new AttributeValue.Num(BigDecimal.ONE))
                .matches(str("1"))).isFalse();
    }

    @Test
    void matchesWhenNumbersEqualInValueThenMatchesWhateverTheScale() {
        var one = exact(AttributeType.NUMBER, new AttributeValue.Num(new BigDecimal("1.0")));

        assertThat(one.matches(num("1"))).isTrue();
        assertThat(one.matches(num("1.000"))).isTrue();
        assertThat(one.matches(num("1E0"))).isTrue();
        assertThat(one.matches(num("1.0000000000000000001"))).isFalse();
        assertThat(one.matches(num("-1"))).isFalse();
    }

    @Test
    void matchesWhenCompiledNumberConditionThenComparesByValue() {
        Policy policy = PolicyFixtures.compile("""
                apiVersion: vend.dev/v1
                id: idp-build
                issuer: test-idp
                conditions:
                  sub: svc-a
                  build_number: 1.0
                issue:
                  audiences: [https://api.example.test]
                """);
        Condition buildNumber = policy.conditions().stream()
                .filter(c -> c.attribute().equals("build_number")).findFirst().orElseThrow();

        assertThat(buildNumber.matches(num("1"))).isTrue();
        assertThat(buildNumber.matches(num("2"))).isFalse();
    }

    @Test
    void matchesWhenBooleanConditionThenComparesBooleans() {
        var trusted = exact(AttributeType.BOOLEAN, new AttributeValue.Bool(true));

        assertThat(trusted.matches(Optional.of(new AttributeValue.Bool(true)))).isTrue();
        assertThat(trusted.matches(Optional.of(new AttributeValue.Bool(false)))).isFalse();
    }

    @Test
    void matchesWhenAnyOfThenAnyListedValueMatchesExactly() {
        var events = exact(AttributeType.STRING, new AttributeValue.Str("push"),
                new AttributeValue.Str("workflow_dispatch"));

        assertThat(events.matches(str("push"))).isTrue();
        assertThat(events.matches(str("workflow_dispatch"))).isTrue();
        assertThat(events.matches(str("pull_request_target"))).isFalse();
        assertThat(events.matches(str("Push"))).isFalse();
        assertThat(events.matches(str("push "))).isFalse();
    }

    @Test
    void matchesWhenValueHoldsEncodedColonThenItIsNeverDecoded() {
        // Field case BUG-03 C: %3A inside sub stays three characters, never a separator.
        var sub = new Condition("sub", AttributeType.STRING,
                new Condition.AnyOf(List.of(new AttributeValue.Str(
                        "repo:acme/app:environment:prod"))));

        assertThat(sub.matches(str("repo:acme/app:environment:prod%3Aref%3Arefs/heads/main")))
                .isFalse();
        assertThat(glob("repo:acme/app:environment:prod").matches(
                str("repo:acme/app:environment:prod%3Aref%3Arefs/heads/main"))).isFalse();
    }

    @Test
    void describeWhenRenderedThenReadsAsTheRule() {
        assertThat(Condition.Glob.of("acme/*").describe()).isEqualTo("matches acme/*");
        assertThat(new Condition.AnyOf(List.of(new AttributeValue.Str("a"))).describe())
                .isEqualTo("equals \"a\"");
        assertThat(new Condition.AnyOf(List.of(new AttributeValue.Str("a"),
                new AttributeValue.Num(BigDecimal.TEN))).describe())
                .isEqualTo("any of [\"a\", 10]");
    }
}
