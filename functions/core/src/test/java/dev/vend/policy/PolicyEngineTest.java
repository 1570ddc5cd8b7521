// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import static dev.vend.policy.PolicyFixtures.AUD;
import static dev.vend.policy.PolicyFixtures.compile;
import static dev.vend.policy.PolicyFixtures.identity;
import static dev.vend.policy.PolicyFixtures.rawIdentity;
import static dev.vend.policy.PolicyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.DenialReason;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyEngineTest {

    private static final String OTHER_AUD = "https://other.example.test";

    /** The acme/app repository (owner id 1001, repository id 123) on its main branch. */
    private static Map<String, Object> acmeApp() {
        var claims = new LinkedHashMap<String, Object>();
        claims.put("sub", "repo:acme/app:ref:refs/heads/main");
        claims.put("repository", "acme/app");
        claims.put("repository_id", "123");
        claims.put("repository_owner", "acme");
        claims.put("repository_owner_id", "1001");
        claims.put("ref", "refs/heads/main");
        claims.put("event_name", "push");
        return claims;
    }

    private static Map<String, Object> with(Map<String, Object> claims, Object... pairs) {
        var out = new LinkedHashMap<>(claims);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private static Map<String, Object> without(Map<String, Object> claims, String... names) {
        var out = new LinkedHashMap<>(claims);
        Arrays.asList(names).forEach(out::remove);
        return out;
    }

    private static String githubPolicy(String id, String extra, String issue) {
        return """
                apiVersion: vend.dev/v1
                id: %s
                issuer: github-actions
                %sconditions:
                  repository_owner_id: "1001"
                  repository_id: "123"
                  ref: refs/heads/main
                issue:
                %s""".formatted(id, extra, issue);
    }

    private static String githubPolicy(String id, String extra) {
        return githubPolicy(id, extra, """
                  audiences: [https://api.example.test]
                  scopes: [deploy, read]
                  maxLifetimeSeconds: 600
                  carry: [repository, ref]
                """);
    }

    private static PolicyEngine engine(Policy... policies) {
        List<Policy> all = List.of(policies);
        return new PolicyEngine(identity -> all);
    }

    private static Decision evaluate(PolicyEngine engine, VerifiedIdentity identity) {
        return engine.evaluate(identity, request());
    }

    private static Entitlement assertAllowed(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Allow.class);
        return ((Decision.Allow) decision).entitlement();
    }

    private static void assertDenied(Decision decision, DenialReason reason) {
        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).reason()).isEqualTo(reason);
    }

    /** A policy as a store could hold it, bypassing the compiler's guard rails. */
    private static Policy stored(String id, String issuerId, List<Condition> conditions,
            List<String> audiences) {
        return new Policy(id, "", issuerId, Policy.Mode.ENFORCE, 0, false, conditions,
                audiences, Set.of(), Duration.ofMinutes(5), List.of(), "v-" + id);
    }

    private static Condition exact(String attribute, String value) {
        return new Condition(attribute, AttributeType.STRING,
                new Condition.AnyOf(List.of(new AttributeValue.Str(value))));
    }

    @Nested
    class Selection {

        @Test
        void evaluateWhenNoPolicyThenDeniesNoMatchingPolicy() {
            Decision decision = evaluate(engine(), identity("github-actions", acmeApp()));

            assertDenied(decision, DenialReason.NO_MATCHING_POLICY);
            assertThat(decision.outcomes()).isEmpty();
        }

        @Test
        void evaluateWhenNoConditionHoldsThenDeniesNoMatchingPolicyAndRecordsEachCondition() {
            Decision decision = evaluate(engine(compile(githubPolicy("p", ""))),
                    identity("github-actions", with(acmeApp(), "ref", "refs/heads/dev")));

            assertDenied(decision, DenialReason.NO_MATCHING_POLICY);
            PolicyOutcome outcome = decision.outcomes().get(0);
            assertThat(outcome.matched()).isFalse();
            assertThat(outcome.conditions()).extracting(PolicyOutcome.ConditionResult::attribute,
                    PolicyOutcome.ConditionResult::held).contains(
                    tuple("ref", false), tuple("repository_id", true));
        }

        @Test
        void evaluateWhenPolicyMatchesThenAllowsWithItsEntitlement() {
            Policy policy = compile(githubPolicy("gh-deploy", ""));

            Entitlement entitlement = assertAllowed(
                    evaluate(engine(policy), identity("github-actions", acmeApp())));

            assertThat(entitlement.policyId()).isEqualTo("gh-deploy");
            assertThat(entitlement.policyVersion()).isEqualTo(policy.version());
            assertThat(entitlement.audiences()).containsExactly(AUD);
            assertThat(entitlement.scopes()).containsExactlyInAnyOrder("deploy", "read");
            assertThat(entitlement.lifetime()).isEqualTo(Duration.ofMinutes(10));
            assertThat(entitlement.carried()).containsOnlyKeys("repository", "ref")
                    .containsEntry("repository", new AttributeValue.Str("acme/app"));
        }

        @Test
        void evaluateWhenSeveralMatchThenHighestPriorityWins() {
            Policy low = compile(githubPolicy("a-low", "priority: 1\n"));
            Policy high = compile(githubPolicy("z-high", "priority: 20\n"));
            Policy middle = compile(githubPolicy("m-middle", "priority: 10\n"));

            Decision decision = evaluate(engine(low, high, middle),
                    identity("github-actions", acmeApp()));

            assertThat(assertAllowed(decision).policyId()).isEqualTo("z-high");
            assertThat(decision.outcomes()).extracting(PolicyOutcome::policyId)
                    .containsExactly("z-high", "m-middle", "a-low");
        }

        @Test
        void evaluateWhenPrioritiesTieThenLowestIdWins() {
            Policy b = compile(githubPolicy("b-policy", "priority: 5\n"));
            Policy a = compile(githubPolicy("a-policy", "priority: 5\n"));
            Policy c = compile(githubPolicy("c-policy", "priority: 5\n"));

            assertThat(assertAllowed(evaluate(engine(b, c, a),
                    identity("github-actions", acmeApp()))).policyId()).isEqualTo("a-policy");
        }

        @Test
        void evaluateWhenHigherPriorityPolicyDoesNotEntitleThenLowerOneIssues() {
            Policy narrow = compile(githubPolicy("a-narrow", "priority: 9\n", """
                      audiences: [https://other.example.test]
                    """));
            Policy broad = compile(githubPolicy("b-broad", "priority: 1\n"));

            Entitlement entitlement = assertAllowed(engine(narrow, broad).evaluate(
                    identity("github-actions", acmeApp()), request(List.of(AUD), Set.of())));

            assertThat(entitlement.policyId()).isEqualTo("b-broad");
        }

        @Test
        void evaluateWhenPolicyDisabledThenItNeverMatches() {
            Policy disabled = compile(githubPolicy("gh-deploy", "disabled: true\n"));

            Decision decision = evaluate(engine(disabled), identity("github-actions", acmeApp()));

            assertDenied(decision, DenialReason.NO_MATCHING_POLICY);
            assertThat(decision.outcomes()).singleElement()
                    .satisfies(o -> assertThat(o.matched()).isFalse());
        }

        @Test
        void evaluateWhenOnlyAuditModePolicyMatchesThenRecordsButDeniesAuditModeOnly() {
            Policy audit = compile(githubPolicy("gh-audit", "mode: audit\n"));

            Decision decision = evaluate(engine(audit), identity("github-actions", acmeApp()));

            assertDenied(decision, DenialReason.AUDIT_MODE_ONLY);
            assertThat(decision.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.mode()).isEqualTo(Policy.Mode.AUDIT);
                assertThat(o.matched()).isTrue();
                assertThat(o.entitles()).isTrue();
            });
        }

        @Test
        void evaluateWhenAuditAndEnforcingPoliciesMatchThenEnforcingIssuesAndBothRecorded() {
            Policy audit = compile(githubPolicy("a-audit", "mode: audit\npriority: 99\n"));
            Policy enforce = compile(githubPolicy("b-enforce", ""));

            Decision decision = evaluate(engine(audit, enforce),
                    identity("github-actions", acmeApp()));

            assertThat(assertAllowed(decision).policyId()).isEqualTo("b-enforce");
            assertThat(decision.outcomes()).extracting(PolicyOutcome::policyId)
                    .containsExactly("a-audit", "b-enforce");
        }

        @Test
        void evaluateWhenPolicyBelongsToAnotherIssuerThenIgnoresIt() {
            Policy github = compile(githubPolicy("gh-deploy", ""));
            var gitlabIdentity = identity("gitlab-com", Map.of("project_id", "123",
                    "namespace_id", "1001", "ref", "refs/heads/main"));

            Decision decision = evaluate(engine(github), gitlabIdentity);

            assertDenied(decision, DenialReason.NO_MATCHING_POLICY);
            assertThat(decision.outcomes()).isEmpty();
        }

        @Test
        void evaluateWhenStoredPolicyHasNoConditionsThenItNeverMatches() {
            // Field case BUG-02 P1/P3 found in a store anyway: no conditions is no match.
            Policy empty = stored("p-empty", "github-actions", List.of(), List.of(AUD));

            assertDenied(evaluate(engine(empty), identity("github-actions", acmeApp())),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenStoredPolicyHasNoAudiencesThenDenies() {
            // Field case BUG-28 C: a policy item missing its audiences denies everything.
            Policy noAudience = stored("p-none", "github-actions",
                    List.of(exact("repository_id", "123")), List.of());

            assertDenied(evaluate(engine(noAudience), identity("github-actions", acmeApp())),
                    DenialReason.AUDIENCE_REQUIRED);
            assertDenied(engine(noAudience).evaluate(identity("github-actions", acmeApp()),
                    request(List.of(AUD), Set.of())), DenialReason.AUDIENCE_NOT_ENTITLED);
        }

        @Test
        void evaluateWhenStoreReturnsPoliciesInAnyOrderThenDenialReasonIsTheSame() {
            Policy scopeOnly = compile(githubPolicy("a-first", "priority: 5\n", """
                      audiences: [https://api.example.test]
                      scopes: [read]
                    """));
            Policy audienceOnly = compile(githubPolicy("b-second", "", """
                      audiences: [https://other.example.test]
                      scopes: [admin]
                    """));
            TokenRequest request = request(List.of(AUD), Set.of("admin"));
            var identity = identity("github-actions", acmeApp());

            Decision one = engine(scopeOnly, audienceOnly).evaluate(identity, request);
            Decision two = engine(audienceOnly, scopeOnly).evaluate(identity, request);

            assertDenied(one, DenialReason.SCOPE_NOT_ENTITLED);
            assertDenied(two, DenialReason.SCOPE_NOT_ENTITLED);
            assertThat(two.outcomes()).isEqualTo(one.outcomes());
        }
    }

    @Nested
    class Audiences {

        private final Policy single = compile(githubPolicy("single", ""));
        private final Policy two = compile(githubPolicy("two", "", """
                  audiences: [https://api.example.test, https://other.example.test]
                """));

        @Test
        void evaluateWhenNoAudienceRequestedAndOneEntitledThenUsesIt() {
            assertThat(assertAllowed(evaluate(engine(single),
                    identity("github-actions", acmeApp()))).audiences()).containsExactly(AUD);
        }

        @Test
        void evaluateWhenNoAudienceRequestedAndTwoEntitledThenDeniesAudienceRequired() {
            assertDenied(evaluate(engine(two), identity("github-actions", acmeApp())),
                    DenialReason.AUDIENCE_REQUIRED);
        }

        @Test
        void evaluateWhenEntitledAudienceRequestedThenIssuesForExactlyThatOne() {
            Entitlement entitlement = assertAllowed(engine(two).evaluate(
                    identity("github-actions", acmeApp()), request(List.of(OTHER_AUD), Set.of())));

            assertThat(entitlement.audiences()).containsExactly(OTHER_AUD);
        }

        @Test
        void evaluateWhenBothEntitledAudiencesRequestedThenIssuesForBoth() {
            Entitlement entitlement = assertAllowed(engine(two).evaluate(
                    identity("github-actions", acmeApp()),
                    request(List.of(AUD, OTHER_AUD), Set.of())));

            assertThat(entitlement.audiences()).containsExactly(AUD, OTHER_AUD);
        }

        @ParameterizedTest(name = "requested {0}")
        @MethodSource("dev.vend.policy.PolicyEngineTest#unentitledAudiences")
        void evaluateWhenAudienceNotEntitledThenDeniesAudienceNotEntitled(List<String> requested) {
            // Field case BUG-07: exact, case-sensitive equality; no prefix or slash games.
            assertDenied(engine(single).evaluate(identity("github-actions", acmeApp()),
                    request(requested, Set.of())), DenialReason.AUDIENCE_NOT_ENTITLED);
        }
    }

    static Stream<List<String>> unentitledAudiences() {
        return Stream.of(
                List.of(OTHER_AUD),
                List.of(AUD, OTHER_AUD),
                List.of(AUD + "/"),
                List.of(AUD + ".evil"),
                List.of("HTTPS://API.EXAMPLE.TEST"),
                List.of(PolicyFixtures.VEND_URL));
    }

    @Nested
    class Scopes {

        private final Policy policy = compile(githubPolicy("gh-deploy", ""));

        private Entitlement allowed(Set<String> scopes) {
            return assertAllowed(engine(policy).evaluate(identity("github-actions", acmeApp()),
                    request(List.of(), scopes)));
        }

        @Test
        void evaluateWhenNoScopeRequestedThenEntitlesEveryEntitledScope() {
            assertThat(allowed(Set.of()).scopes()).containsExactlyInAnyOrder("deploy", "read");
        }

        @Test
        void evaluateWhenScopesRequestedThenEntitlesTheIntersection() {
            assertThat(allowed(Set.of("read", "admin")).scopes()).containsExactly("read");
            assertThat(allowed(Set.of("read", "deploy")).scopes())
                    .containsExactlyInAnyOrder("read", "deploy");
        }

        @Test
        void evaluateWhenIntersectionEmptyThenDeniesScopeNotEntitled() {
            assertDenied(engine(policy).evaluate(identity("github-actions", acmeApp()),
                    request(List.of(), Set.of("admin", "READ"))), DenialReason.SCOPE_NOT_ENTITLED);
        }

        @Test
        void evaluateWhenPolicyHasNoScopesAndNoneRequestedThenEntitlesNone() {
            Policy noScopes = compile(githubPolicy("no-scopes", "", """
                      audiences: [https://api.example.test]
                    """));

            assertThat(assertAllowed(evaluate(engine(noScopes),
                    identity("github-actions", acmeApp()))).scopes()).isEmpty();
        }
    }

    @Test
    void evaluateWhenAwsCredentialsRequestedThenDeniesTokenTypeNotEntitled() {
        Policy policy = compile(githubPolicy("gh-deploy", ""));

        assertDenied(engine(policy).evaluate(identity("github-actions", acmeApp()),
                request(List.of(), Set.of(), TokenTypes.AWS_CREDENTIALS)),
                DenialReason.TOKEN_TYPE_NOT_ENTITLED);
    }

    @Test
    void evaluateWhenAccessTokenRequestedExplicitlyThenAllows() {
        Policy policy = compile(githubPolicy("gh-deploy", ""));

        assertAllowed(engine(policy).evaluate(identity("github-actions", acmeApp()),
                request(List.of(), Set.of(), TokenTypes.ACCESS_TOKEN)));
    }

    @Nested
    class Bug02OverBroadTrust {

        private final Map<String, Object> acmeEvil = Map.of(
                "sub", "repo:acme-evil/app:ref:refs/heads/main",
                "repository", "acme-evil/app",
                "repository_owner", "acme-evil",
                "repository_owner_id", "666",
                "repository_id", "777",
                "ref", "refs/heads/main");

        @Test
        void evaluateWhenOnlySafePoliciesExistThenNoTokenForAcmeEvil() {
            Policy acme = compile(githubPolicy("acme", ""));
            Policy acmeRepos = compile("""
                    apiVersion: vend.dev/v1
                    id: acme-repos
                    issuer: github-actions
                    conditions:
                      repository_owner_id: "1001"
                      repository: {pattern: "acme/*"}
                    issue:
                      audiences: [https://api.example.test]
                    """);

            assertDenied(evaluate(engine(acme, acmeRepos), identity("github-actions", acmeEvil)),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenUnsafePoliciesFoundInStoreAnywayThenNoTokenForAcmeEvil() {
            // P1/P3 (no conditions) and P2 (sub pattern repo:acme*) bypassed lint.
            Policy p1 = stored("p1", "github-actions", List.of(), List.of(AUD));
            Policy p2 = stored("p2", "github-actions", List.of(new Condition("sub",
                    AttributeType.STRING, Condition.Glob.of("repo:acme*"))), List.of(AUD));

            assertDenied(evaluate(engine(p1, p2), identity("github-actions", acmeEvil)),
                    DenialReason.NO_MATCHING_POLICY);
        }
    }

    @Nested
    class Bug03NameRecycling {

        private final Policy pinned = compile(githubPolicy("pinned", ""));

        @Test
        void evaluateWhenRecycledNameHasOtherIdsThenDenies() {
            var tokenA = Map.of("sub", "repo:acme/app:ref:refs/heads/main",
                    "repository", "acme/app", "repository_id", "987654",
                    "repository_owner", "acme", "repository_owner_id", "5555",
                    "ref", "refs/heads/main");

            assertDenied(evaluate(engine(pinned), identity("github-actions", tokenA)),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenNewSubFormatCarriesTheIdsThenAllows() {
            var tokenB = Map.of("sub", "repo:acme@1001/app@123:ref:refs/heads/main",
                    "repository", "acme/app", "repository_id", "123",
                    "repository_owner_id", "1001", "ref", "refs/heads/main");

            assertAllowed(evaluate(engine(pinned), identity("github-actions", tokenB)));
        }

        @Test
        void evaluateWhenEnvironmentHoldsEncodedColonsThenDeniesWithoutDecoding() {
            Policy prod = compile("""
                    apiVersion: vend.dev/v1
                    id: prod
                    issuer: github-actions
                    conditions:
                      repository_owner_id: "1001"
                      repository_id: "123"
                      environment: prod
                    issue:
                      audiences: [https://api.example.test]
                    """);
            var tokenC = Map.of(
                    "sub", "repo:acme/app:environment:prod%3Aref%3Arefs/heads/main",
                    "environment", "prod:ref:refs/heads/main",
                    "repository_id", "123", "repository_owner_id", "1001");
            var control = with(new HashMap<>(tokenC), "environment", "prod");

            assertDenied(evaluate(engine(prod), identity("github-actions", tokenC)),
                    DenialReason.NO_MATCHING_POLICY);
            assertAllowed(evaluate(engine(prod), identity("github-actions", control)));
        }
    }

    @Nested
    class Bug05PullRequestTarget {

        private final Policy policy = compile("""
                apiVersion: vend.dev/v1
                id: main-pushes
                issuer: github-actions
                conditions:
                  repository_id: "123"
                  ref: refs/heads/main
                  event_name: {anyOf: [push, workflow_dispatch]}
                issue:
                  audiences: [https://api.example.test]
                """);

        @Test
        void evaluateWhenEventIsPullRequestTargetThenDenies() {
            assertDenied(evaluate(engine(policy), identity("github-actions",
                    with(acmeApp(), "event_name", "pull_request_target"))),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenEventNameAbsentThenDenies() {
            assertDenied(evaluate(engine(policy), identity("github-actions",
                    without(acmeApp(), "event_name"))), DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenEventIsPushThenAllows() {
            assertAllowed(evaluate(engine(policy), identity("github-actions",
                    with(acmeApp(), "event_name", "push"))));
        }

        @Test
        void evaluateWhenEventIsWorkflowRunThenDenies() {
            assertDenied(evaluate(engine(policy), identity("github-actions",
                    with(acmeApp(), "event_name", "workflow_run"))),
                    DenialReason.NO_MATCHING_POLICY);
        }
    }

    @Nested
    class Bug06TypesListsAndGlobs {

        /** The field case's policy as is: groups "*" only gets past lint from a store. */
        private final Policy withBareStar = stored("gl-star", "gitlab-com", List.of(
                exact("project_id", "53804090"),
                exact("ref_protected", "true"),
                exact("ref_type", "branch"),
                new Condition("groups", AttributeType.STRING_LIST, Condition.Glob.of("*"))),
                List.of(AUD));
        private final Policy compiled = compile("""
                apiVersion: vend.dev/v1
                id: gl-protected
                issuer: gitlab-com
                conditions:
                  project_id: "53804090"
                  ref_protected: "true"
                  ref_type: branch
                issue:
                  audiences: [https://api.example.test]
                """);

        private Map<String, Object> protectedMain(Object... overrides) {
            var claims = new LinkedHashMap<String, Object>();
            claims.put("project_id", "53804090");
            claims.put("namespace_id", "42");
            claims.put("ref_protected", "true");
            claims.put("ref_type", "branch");
            claims.put("ref", "main");
            claims.put("groups", List.of("x"));
            return with(claims, overrides);
        }

        private void assertBoth(Map<String, Object> claims, boolean allowed) {
            for (Policy policy : List.of(withBareStar, compiled)) {
                Decision decision = evaluate(engine(policy), identity("gitlab-com", claims));
                assertThat(decision).as("%s under %s", claims, policy.id())
                        .isInstanceOf(allowed ? Decision.Allow.class : Decision.Deny.class);
            }
        }

        @Test
        void evaluateWhenControlTokenThenAllows() {
            assertBoth(protectedMain(), true);
        }

        @Test
        void evaluateWhenRefNotProtectedThenDenies() {
            // Token A.
            assertBoth(protectedMain("ref_protected", "false", "ref", "feature"), false);
        }

        @Test
        void evaluateWhenNumberAndBooleanInsteadOfStringsThenDenies() {
            // Token B: the preset types these claims as strings, so 53804090 and true are absent.
            assertBoth(protectedMain("project_id", 53804090, "ref_protected", true), false);
        }

        @Test
        void evaluateWhenTypedNumberAndBooleanReachTheEngineThenStillDenies() {
            VerifiedIdentity typedWrong = rawIdentity("gitlab-com", Map.of(
                    "project_id", new AttributeValue.Num(new BigDecimal("53804090")),
                    "ref_protected", new AttributeValue.Bool(true),
                    "ref_type", new AttributeValue.Str("branch"),
                    "groups", new AttributeValue.StrList(List.of("x"))));

            assertDenied(evaluate(engine(withBareStar, compiled), typedWrong),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenGroupsAbsentThenBareStarDoesNotMatch() {
            // Token C.
            var claims = protectedMain();
            claims.remove("groups");

            assertDenied(evaluate(engine(withBareStar), identity("gitlab-com", claims)),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenGroupsEmptyStringThenBareStarDoesNotMatch() {
            // Token C2.
            assertDenied(evaluate(engine(withBareStar),
                    identity("gitlab-com", protectedMain("groups", ""))),
                    DenialReason.NO_MATCHING_POLICY);
            assertDenied(evaluate(engine(withBareStar), rawIdentity("gitlab-com", Map.of(
                    "project_id", new AttributeValue.Str("53804090"),
                    "ref_protected", new AttributeValue.Str("true"),
                    "ref_type", new AttributeValue.Str("branch"),
                    "groups", new AttributeValue.StrList(List.of(""))))),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenGroupsEmptyListThenBareStarDoesNotMatch() {
            // Token C3.
            assertDenied(evaluate(engine(withBareStar),
                    identity("gitlab-com", protectedMain("groups", List.of()))),
                    DenialReason.NO_MATCHING_POLICY);
        }

        @Test
        void evaluateWhenProjectIdIsAListContainingThePinnedValueThenDenies() {
            // Token D, as the preset maps it (a list for a string claim is absent) ...
            assertBoth(protectedMain("project_id", List.of("53804090", "1"), "groups", "x"),
                    false);
            // ... and as a list attribute reaching the engine anyway.
            VerifiedIdentity listId = rawIdentity("gitlab-com", Map.of(
                    "project_id", new AttributeValue.StrList(List.of("53804090", "1")),
                    "ref_protected", new AttributeValue.Str("true"),
                    "ref_type", new AttributeValue.Str("branch"),
                    "groups", new AttributeValue.StrList(List.of("x"))));
            assertDenied(evaluate(engine(withBareStar, compiled), listId),
                    DenialReason.NO_MATCHING_POLICY);
        }
    }

    @Test
    void evaluateWhenPolicyCarriesAttributesThenOnlyPresentOnesAreCarried() {
        Policy policy = compile(githubPolicy("gh-deploy", "", """
                  audiences: [https://api.example.test]
                  carry: [repository, environment, ref]
                """));

        Entitlement entitlement = assertAllowed(evaluate(engine(policy),
                identity("github-actions", acmeApp())));

        assertThat(entitlement.carried()).containsOnlyKeys("repository", "ref");
    }

    @Test
    void evaluateWhenManyCandidatesThenEveryOutcomeIsRecorded() {
        var policies = new ArrayList<Policy>();
        for (int i = 0; i < 5; i++) {
            policies.add(compile(githubPolicy("p" + i, i % 2 == 0 ? "" : "disabled: true\n")));
        }

        Decision decision = evaluate(engine(policies.toArray(Policy[]::new)),
                identity("github-actions", acmeApp()));

        assertThat(decision.outcomes()).hasSize(5);
        assertThat(assertAllowed(decision).policyId()).isEqualTo("p0");
    }
}
