// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import static dev.vend.policy.PolicyFixtures.compile;
import static dev.vend.policy.PolicyFixtures.compiler;
import static dev.vend.policy.PolicyFixtures.document;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyCompilerTest {

    private static final String HEADER = """
            apiVersion: vend.dev/v1
            id: gh-deploy
            issuer: github-actions
            """;
    private static final String PINNED = """
            conditions:
              repository_owner_id: "1001"
              repository_id: "123"
              ref: refs/heads/main
            """;
    private static final String ISSUE = """
            issue:
              audiences: [https://api.example.test]
              scopes: [deploy, read]
              maxLifetimeSeconds: 600
              carry: [repository, ref]
            """;

    /** Compiles the text and returns the problems; fails if it compiles. */
    private static List<String> problems(String yaml) {
        try {
            compile(yaml);
        } catch (PolicyException e) {
            assertThat(e.problems()).isNotEmpty();
            return e.problems();
        }
        throw new AssertionError("policy compiled but should have been refused:\n" + yaml);
    }

    /** The one problem the text has; it names the policy and where it came from. */
    private static String problem(String yaml, String policyId) {
        List<String> problems = problems(yaml);
        assertThat(problems).as("problems of %s", yaml).hasSize(1);
        assertThat(problems.get(0)).startsWith("policy " + policyId + " (test.yaml)");
        return problems.get(0);
    }

    private static String gitlab(String conditions) {
        return """
                apiVersion: vend.dev/v1
                id: gl-deploy
                issuer: gitlab-com
                """ + conditions + ISSUE.replace("carry: [repository, ref]", "carry: [ref]");
    }

    private static String idp(String conditions) {
        return """
                apiVersion: vend.dev/v1
                id: idp-build
                issuer: test-idp
                """ + conditions + ISSUE.replace("carry: [repository, ref]", "carry: []");
    }

    @Test
    void compileWhenPolicyIsSafeThenBuildsItWithEveryField() {
        Policy policy = compile(HEADER + "priority: 7\n" + PINNED + ISSUE);

        assertThat(policy.id()).isEqualTo("gh-deploy");
        assertThat(policy.issuerId()).isEqualTo("github-actions");
        assertThat(policy.mode()).isEqualTo(Policy.Mode.ENFORCE);
        assertThat(policy.priority()).isEqualTo(7);
        assertThat(policy.disabled()).isFalse();
        assertThat(policy.conditions()).extracting(Condition::attribute)
                .containsExactlyInAnyOrder("repository_owner_id", "repository_id", "ref");
        assertThat(policy.audiences()).containsExactly("https://api.example.test");
        assertThat(policy.scopes()).containsExactlyInAnyOrder("deploy", "read");
        assertThat(policy.maxLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.carry()).containsExactly("repository", "ref");
        assertThat(policy.version()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void compileWhenOptionalFieldsAbsentThenUsesDefaults() {
        Policy policy = compile(HEADER + PINNED
                + "issue:\n  audiences: [https://api.example.test]\n");

        assertThat(policy.priority()).isZero();
        assertThat(policy.mode()).isEqualTo(Policy.Mode.ENFORCE);
        assertThat(policy.maxLifetime()).isEqualTo(PolicyCompiler.DEFAULT_LIFETIME);
        assertThat(policy.scopes()).isEmpty();
        assertThat(policy.carry()).isEmpty();
    }

    @Test
    void compileWhenApiVersionWrongThenRefusesNamingPolicyAndRule() {
        String yaml = HEADER.replace("vend.dev/v1", "vend.dev/v2") + PINNED + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("apiVersion must be vend.dev/v1");
    }

    @Test
    void compileWhenApiVersionMissingThenRefuses() {
        String yaml = HEADER.replace("apiVersion: vend.dev/v1\n", "") + PINNED + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("apiVersion must be vend.dev/v1");
    }

    @Test
    void compileWhenUnknownTopLevelFieldThenRefusesNamingIt() {
        // Field case BUG-28 C: an unknown extra attribute like allow_all makes the policy invalid.
        String yaml = HEADER + "allow_all: true\n" + PINNED + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("unknown field(s) [allow_all]");
    }

    @Test
    void compileWhenUnknownIssueFieldThenRefusesNamingIt() {
        String yaml = HEADER + PINNED + ISSUE + "  claims: {admin: true}\n";

        assertThat(problem(yaml, "gh-deploy")).contains("issue")
                .contains("unknown field(s) [claims]");
    }

    @Test
    void compileWhenIssuerNotRegisteredThenRefusesNamingIt() {
        String yaml = HEADER.replace("issuer: github-actions", "issuer: github-enterprise")
                + PINNED + ISSUE;

        assertThat(problems(yaml)).anySatisfy(p -> assertThat(p)
                .startsWith("policy gh-deploy (test.yaml)")
                .contains("issuer 'github-enterprise' is not in the issuer registry"));
    }

    @Test
    void compileWhenIssuerMissingThenRefuses() {
        String yaml = HEADER.replace("issuer: github-actions\n", "") + PINNED + ISSUE;

        assertThat(problems(yaml)).anySatisfy(p -> assertThat(p).contains("'issuer' is required"));
    }

    @Test
    void compileWhenNoConditionsThenRefusesMissingSubjectBinding() {
        // Field case BUG-02 P1: an audience-only rule trusts every workflow on the issuer.
        String yaml = HEADER + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("no conditions")
                .contains("policy_missing_subject_binding");
    }

    @Test
    void compileWhenConditionsEmptyThenRefusesMissingSubjectBinding() {
        // Field case BUG-02 P3: an empty condition list is never read as "no constraints".
        String yaml = HEADER + "conditions: {}\n" + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("policy_missing_subject_binding");
    }

    @Test
    void compileWhenConditionsNotAMappingThenRefuses() {
        String yaml = HEADER + "conditions: [repository_id]\n" + ISSUE;

        assertThat(problems(yaml)).anySatisfy(p -> assertThat(p)
                .contains("'conditions' must be a mapping"));
    }

    @Test
    void compileWhenConditionOnAttributeIssuerLacksThenRefusesNamingBoth() {
        String yaml = HEADER + PINNED + "  branch: main\n" + ISSUE;

        assertThat(problem(yaml, "gh-deploy"))
                .contains("condition on 'branch', which issuer github-actions does not provide");
    }

    @Test
    void compileWhenNumberGivenForStringAttributeThenSuggestsQuotes() {
        // Field case BUG-06: GitHub and GitLab ids are strings; an unquoted YAML number never
        // equals them, so the author learns to quote it instead of getting a silent deny.
        String yaml = HEADER + PINNED.replace("repository_id: \"123\"", "repository_id: 123")
                + ISSUE;

        assertThat(problem(yaml, "gh-deploy"))
                .contains("condition on 'repository_id'")
                .contains("123 can never match a string attribute")
                .contains("(quote it: \"123\")");
    }

    @Test
    void compileWhenBooleanGivenForGitLabRefProtectedThenSuggestsQuotes() {
        // Field case BUG-06: GitLab's ref_protected is the string "true", never the boolean.
        String yaml = gitlab("""
                conditions:
                  project_id: "53804090"
                  ref_protected: true
                """);

        assertThat(problem(yaml, "gl-deploy"))
                .contains("condition on 'ref_protected'")
                .contains("true can never match a string attribute")
                .contains("(quote it: \"true\")");
    }

    @Test
    void compileWhenStringGivenForBooleanAttributeThenRefuses() {
        String yaml = idp("""
                conditions:
                  sub: svc-a
                  trusted: "true"
                """);

        assertThat(problem(yaml, "idp-build"))
                .contains("condition on 'trusted'")
                .contains("\"true\" can never match a boolean attribute")
                .doesNotContain("quote it");
    }

    @Test
    void compileWhenStringGivenForNumberAttributeThenRefuses() {
        String yaml = idp("""
                conditions:
                  sub: svc-a
                  build_number: "42"
                """);

        assertThat(problem(yaml, "idp-build"))
                .contains("\"42\" can never match a number attribute");
    }

    @Test
    void compileWhenTypedValuesMatchDeclaredTypesThenKeepsTheirTypes() {
        Policy policy = compile(idp("""
                conditions:
                  sub: svc-a
                  build_number: 42
                  trusted: true
                  teams: {anyOf: [red, blue]}
                """));

        assertThat(policy.conditions()).extracting(Condition::attribute, Condition::type)
                .contains(tuple("build_number", AttributeType.NUMBER),
                        tuple("trusted", AttributeType.BOOLEAN),
                        tuple("teams", AttributeType.STRING_LIST));
    }

    @Test
    void compileWhenConditionHasNoValueThenRefusesInsteadOfFailing() {
        // Regression: "environment:" with nothing after it is null in YAML and made the compiler
        // throw a NullPointerException instead of listing a problem.
        String yaml = HEADER + PINNED + "  environment:\n" + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("condition on 'environment' has no value");
    }

    @Test
    void compileWhenConditionValueEmptyStringThenRefuses() {
        String yaml = HEADER + PINNED + "  environment: \"\"\n" + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("condition on 'environment'")
                .contains("can never match");
    }

    @Test
    void compileWhenAnyOfEmptyThenRefuses() {
        String yaml = HEADER + PINNED + "  event_name: {anyOf: []}\n" + ISSUE;

        assertThat(problem(yaml, "gh-deploy"))
                .contains("condition on 'event_name' lists no values");
    }

    @Test
    void compileWhenConditionMappingHasOtherFormThenRefuses() {
        String yaml = HEADER + PINNED + "  head_ref: {regex: \"^feature/.*$\"}\n" + ISSUE;

        assertThat(problem(yaml, "gh-deploy"))
                .contains("must be a value, {anyOf: [values]} or {pattern: glob}");
    }

    @Test
    void compileWhenPatternOnNumberAttributeThenRefuses() {
        String yaml = idp("""
                conditions:
                  sub: svc-a
                  build_number: {pattern: "4*"}
                """);

        assertThat(problem(yaml, "idp-build")).contains("patterns apply to string attributes only");
    }

    @ParameterizedTest(name = "pattern {0}")
    @ValueSource(strings = {"*", "**", "***"})
    void compileWhenPatternMatchesAnythingThenRefuses(String pattern) {
        // Field case BUG-06: a bare * is not a safe "must be present" test.
        String yaml = HEADER + PINNED + "  environment: {pattern: \"" + pattern + "\"}\n" + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("condition on 'environment'")
                .contains("pattern '" + pattern + "' matches anything; pin a value");
    }

    static Stream<Arguments> ownerWildcards() {
        return Stream.of(
                Arguments.of("BUG-02 P2: wildcard right after the owner in sub", "sub",
                        "repo:acme*"),
                Arguments.of("wildcard owner in sub", "sub", "repo:*/app:ref:refs/heads/main"),
                Arguments.of("owner prefix in sub", "sub", "repo:acme*/app:ref:refs/heads/main"),
                Arguments.of("owner prefix in repository", "repository", "acme*/app"),
                Arguments.of("wildcard owner in repository", "repository", "*/app"),
                Arguments.of("wildcard owner in job_workflow_ref", "job_workflow_ref",
                        "*/app/.github/workflows/deploy.yml@refs/heads/main"),
                Arguments.of("owner suffix in job_workflow_ref", "job_workflow_ref",
                        "acme*/app/.github/workflows/deploy.yml@refs/heads/main"),
                Arguments.of("the whole value is the owner: repository_owner",
                        "repository_owner", "acme*"),
                Arguments.of("the whole value is the owner: enterprise", "enterprise", "acme*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownerWildcards")
    void compileWhenWildcardInOwnerSegmentThenRefuses(String name, String attribute,
            String pattern) {
        String yaml = HEADER + PINNED + "  " + attribute + ": {pattern: \"" + pattern + "\"}\n"
                + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("condition on '" + attribute + "'")
                .contains("puts a wildcard in the owner segment");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("ownerScopedSafePatterns")
    void compileWhenWildcardAfterOwnerSegmentThenAccepts(String attribute, String pattern) {
        Policy policy = compile(HEADER + PINNED + "  " + attribute + ": {pattern: \"" + pattern
                + "\"}\n" + ISSUE);

        assertThat(policy.conditions()).anySatisfy(condition -> {
            assertThat(condition.attribute()).isEqualTo(attribute);
            assertThat(condition.matcher()).isInstanceOf(Condition.Glob.class);
        });
    }

    static Stream<Arguments> ownerScopedSafePatterns() {
        return Stream.of(
                Arguments.of("repository", "acme/*"),
                Arguments.of("sub", "repo:acme/app:ref:refs/heads/*"),
                Arguments.of("sub", "repo:acme/*:environment:prod"),
                Arguments.of("job_workflow_ref", "acme/app/.github/workflows/*@refs/heads/main"));
    }

    @Test
    void compileWhenOwnerScopedPatternHasNoWildcardThenAcceptsItAsALiteral() {
        // Regression: a pattern without "/" was refused as "a wildcard in the owner segment"
        // even when it had no wildcard at all.
        Policy policy = compile(HEADER + PINNED + "  repository_owner: acme\n"
                + "  sub: {pattern: \"repo:acme\"}\n" + ISSUE);

        Condition sub = policy.conditions().stream()
                .filter(c -> c.attribute().equals("sub")).findFirst().orElseThrow();
        assertThat(sub.matches(Optional.of(new AttributeValue.Str("repo:acme")))).isTrue();
        assertThat(sub.matches(Optional.of(new AttributeValue.Str("repo:acme-evil")))).isFalse();
    }

    @Test
    void compileWhenMultiTenantIssuerHasNoImmutableIdPinnedThenRefuses() {
        // A name can be re-registered by someone else (field case BUG-03): pin an id.
        String yaml = HEADER + """
                conditions:
                  repository: acme/app
                  ref: refs/heads/main
                """ + ISSUE;

        assertThat(problem(yaml, "gh-deploy"))
                .contains("issuer github-actions serves many tenants")
                .contains("[repository_owner_id, repository_id]")
                .contains("exact value");
    }

    @Test
    void compileWhenImmutableIdOnlyMatchedByPatternThenRefuses() {
        String yaml = HEADER + """
                conditions:
                  repository_id: {pattern: "12*"}
                  ref: refs/heads/main
                """ + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("serves many tenants");
    }

    @Test
    void compileWhenMultiTenantGitLabPinsProjectIdThenAccepts() {
        Policy policy = compile(gitlab("""
                conditions:
                  project_id: {anyOf: ["53804090", "53804091"]}
                  ref_protected: "true"
                """));

        assertThat(policy.issuerId()).isEqualTo("gitlab-com");
    }

    @Test
    void compileWhenSingleTenantIssuerHasNoImmutableIdThenAccepts() {
        Policy policy = compile("""
                apiVersion: vend.dev/v1
                id: k8s-deployer
                issuer: cluster-a
                conditions:
                  namespace: prod
                  service_account: deployer
                issue:
                  audiences: [https://api.example.test]
                """);

        assertThat(policy.conditions()).hasSize(2);
    }

    @Test
    void compileWhenAudiencesMissingThenRefuses() {
        // Field case BUG-07 P0: no audience is never "any audience".
        String yaml = HEADER + PINNED + "issue:\n  scopes: [read]\n";

        assertThat(problem(yaml, "gh-deploy")).contains("issue.audiences must name at least one");
    }

    @Test
    void compileWhenAudiencesEmptyThenRefuses() {
        String yaml = HEADER + PINNED + "issue:\n  audiences: []\n";

        assertThat(problem(yaml, "gh-deploy")).contains("issue.audiences must name at least one");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://vend.example.test", "https://vend.example.test/"})
    void compileWhenAudienceNamesVendItselfThenRefuses(String audience) {
        String yaml = HEADER + PINNED + "issue:\n  audiences: [\"" + audience + "\"]\n";

        assertThat(problem(yaml, "gh-deploy"))
                .contains("issue.audiences may not name Vend itself or an inbound audience")
                .contains(audience);
    }

    @Test
    void compileWhenAudienceNamesAnInboundAudienceThenRefuses() {
        String yaml = """
                apiVersion: vend.dev/v1
                id: k8s-deployer
                issuer: cluster-a
                conditions:
                  namespace: prod
                issue:
                  audiences: [https://inbound.example.test]
                """;

        assertThat(problem(yaml, "k8s-deployer"))
                .contains("may not name Vend itself or an inbound audience")
                .contains("https://inbound.example.test");
    }

    @Test
    void compileWhenAudienceNamesAnotherIssuersInboundAudienceThenRefuses() {
        // A token for another registered issuer's inbound audience could be presented back.
        String yaml = HEADER + PINNED + "issue:\n  audiences: [https://inbound.example.test]\n";

        assertThat(problem(yaml, "gh-deploy")).contains("inbound audience");
    }

    @ParameterizedTest(name = "{0} s")
    @ValueSource(ints = {3601, 86400, 0, -5})
    void compileWhenLifetimeOutsideCapThenRefuses(int seconds) {
        String yaml = HEADER + PINNED + ISSUE.replace("600", String.valueOf(seconds));

        assertThat(problem(yaml, "gh-deploy"))
                .contains("issue.maxLifetimeSeconds must be between 1 and 3600");
    }

    @Test
    void compileWhenLifetimeAtCapThenAccepts() {
        Policy policy = compile(HEADER + PINNED + ISSUE.replace("600", "3600"));

        assertThat(policy.maxLifetime()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void compileWhenLifetimeNotWholeNumberThenRefuses() {
        String yaml = HEADER + PINNED + ISSUE.replace("600", "\"600\"");

        assertThat(problem(yaml, "gh-deploy"))
                .contains("'maxLifetimeSeconds' must be a whole number");
    }

    @ParameterizedTest(name = "scope {0}")
    @ValueSource(strings = {"read write", "a\\\"b", "back\\\\slash", "tab\\there", "é"})
    void compileWhenScopeIsNotAScopeTokenThenRefuses(String scope) {
        String yaml = HEADER + PINNED + ISSUE.replace("[deploy, read]", "[\"" + scope + "\"]");

        assertThat(problem(yaml, "gh-deploy")).contains("is not an RFC 6749 scope token");
    }

    @Test
    void compileWhenScopesUseEveryAllowedCharacterThenAccepts() {
        String everyCharacter = "a!#$%&'()*+,-./;<=>?@[]^_`{|}~";
        Policy policy = compile(HEADER + PINNED + ISSUE.replace("[deploy, read]",
                "[\"repo:read\", \"" + everyCharacter + "\"]"));

        assertThat(policy.scopes()).hasSize(2);
    }

    @Test
    void compileWhenCarryNamesUnknownAttributeThenRefuses() {
        String yaml = HEADER + PINNED + ISSUE.replace("carry: [repository, ref]",
                "carry: [repository, access_token]");

        assertThat(problem(yaml, "gh-deploy"))
                .contains("issue.carry names 'access_token', which the issuer does not provide");
    }

    @Test
    void compileWhenModeUnknownThenRefuses() {
        String yaml = HEADER + "mode: dry-run\n" + PINNED + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("mode must be enforce or audit");
    }

    @Test
    void compileWhenModeAuditThenKeepsIt() {
        assertThat(compile(HEADER + "mode: audit\n" + PINNED + ISSUE).mode())
                .isEqualTo(Policy.Mode.AUDIT);
    }

    @Test
    void compileWhenPriorityBeyondIntThenRefusesInsteadOfWrapping() {
        // Regression: 4294967297 was cast to the int 1, silently changing precedence.
        String yaml = HEADER + "priority: 4294967297\n" + PINNED + ISSUE;

        assertThat(problem(yaml, "gh-deploy")).contains("priority must be a 32-bit whole number");
    }

    @Test
    void compileWhenIdInvalidThenRefuses() {
        String yaml = HEADER.replace("id: gh-deploy", "id: \"GH Deploy\"") + PINNED + ISSUE;

        assertThat(problem(yaml, "GH Deploy")).contains("id must match");
    }

    @Test
    void compileWhenManyProblemsThenListsEveryOne() {
        String yaml = """
                apiVersion: vend.dev/v0
                id: bad
                issuer: github-actions
                surprise: 1
                conditions:
                  repository: {pattern: "acme*/app"}
                  branch: main
                issue:
                  audiences: [https://vend.example.test]
                  scopes: ["a b"]
                  maxLifetimeSeconds: 7200
                  carry: [nope]
                """;

        List<String> problems = problems(yaml);

        assertThat(problems).allSatisfy(p -> assertThat(p).startsWith("policy bad (test.yaml)"));
        assertThat(String.join("\n", problems))
                .contains("apiVersion must be")
                .contains("unknown field(s) [surprise]")
                .contains("owner segment")
                .contains("'branch'")
                .contains("serves many tenants")
                .contains("may not name Vend itself")
                .contains("scope 'a b'")
                .contains("maxLifetimeSeconds")
                .contains("issue.carry names 'nope'");
        assertThat(problems).hasSize(9);
    }

    @Test
    void versionOfWhenSamePolicyInYamlAndJsonThenHashesAlike() {
        // RFC 8785: key order and whitespace do not change the canonical form.
        String yaml = HEADER + PINNED + ISSUE;
        String json = """
                {  "issue": {"carry": ["repository","ref"], "maxLifetimeSeconds": 600,
                      "scopes": ["deploy", "read"], "audiences": ["https://api.example.test"]},
                   "conditions": {"ref": "refs/heads/main", "repository_id": "123",
                                  "repository_owner_id": "1001"},
                   "issuer": "github-actions",   "id": "gh-deploy",
                   "apiVersion": "vend.dev/v1" }
                """;

        Policy fromYaml = compile(yaml);
        Policy fromJson = compiler().compile(document(json), "test.json");

        assertThat(fromJson.version()).isEqualTo(fromYaml.version());
        assertThat(PolicyCompiler.versionOf(document(json)))
                .isEqualTo(PolicyCompiler.versionOf(document(yaml)));
    }

    @Test
    void canonicalJsonWhenSamePolicyInYamlAndJsonThenSameTextWhoseHashIsTheVersion() {
        String yaml = HEADER + PINNED + ISSUE;
        String json = PolicyCompiler.canonicalJson(document(yaml));

        assertThat(PolicyCompiler.canonicalJson(document(json))).isEqualTo(json);
        assertThat(dev.vend.model.Attestation.sha256Hex(json)).isEqualTo(compile(yaml).version());
        assertThat(json).startsWith("{\"apiVersion\":\"vend.dev/v1\",\"conditions\":{");
    }

    @Test
    void issuersWhenBuiltThenTheRegistryPoliciesAreCompiledAgainst() {
        var registry = PolicyFixtures.registry();

        assertThat(PolicyFixtures.compiler(registry).issuers()).isSameAs(registry);
    }

    @Test
    void versionOfWhenAValueChangesThenDiffers() {
        String original = HEADER + PINNED + ISSUE;
        String changed = original.replace("refs/heads/main", "refs/heads/dev");

        assertThat(compile(changed).version()).isNotEqualTo(compile(original).version());
        assertThat(compile(original.replace("600", "601")).version())
                .isNotEqualTo(compile(original).version());
    }

    @Test
    void versionOfWhenValueTypeChangesThenDiffers() {
        var asString = document("{\"a\": \"1\"}");
        var asNumber = document("{\"a\": 1}");

        assertThat(PolicyCompiler.versionOf(asString))
                .isNotEqualTo(PolicyCompiler.versionOf(asNumber));
    }

    @Test
    void compileWhenYamlSaysNoThenConditionKeepsTheStringNo() {
        // YAML 1.2: "no" is a string; a YAML 1.1 parser would turn it into false.
        Policy policy = compile(HEADER + PINNED + "  environment: no\n" + ISSUE);

        Condition environment = policy.conditions().stream()
                .filter(c -> c.attribute().equals("environment")).findFirst().orElseThrow();
        assertThat(environment.matcher()).isEqualTo(
                new Condition.AnyOf(List.of(new AttributeValue.Str("no"))));
        assertThat(environment.matches(Optional.of(new AttributeValue.Str("no"))))
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yes", "off", "on", "y", "True", "NO"})
    void compileWhenYaml11BooleanWordsThenStayStrings(String word) {
        Policy policy = compile(HEADER + PINNED + "  environment: " + word + "\n" + ISSUE);

        assertThat(policy.conditions()).anySatisfy(c -> assertThat(c.matcher())
                .isEqualTo(new Condition.AnyOf(List.of(new AttributeValue.Str(word)))));
    }

    @Test
    void compileWhenDocumentHoldsNaNThenListsAProblemInsteadOfThrowing() {
        // A map built without YamlDocuments (a store adapter, say) can still hold NaN.
        var document = new LinkedHashMap<>(document(HEADER + PINNED + ISSUE));
        document.put("priority", Double.NaN);

        assertThatThrownBy(() -> compiler().compile(document, "store"))
                .isInstanceOf(PolicyException.class);
    }

    @Test
    void compileWhenNumberConditionIsNaNThenRefusesInsteadOfThrowing() {
        var document = new LinkedHashMap<>(document(idp("""
                conditions:
                  sub: svc-a
                  build_number: 1
                """)));
        @SuppressWarnings("unchecked")
        var conditions = new LinkedHashMap<>(
                (Map<String, Object>) document.get("conditions"));
        conditions.put("build_number", Double.NaN);
        document.put("conditions", conditions);

        assertThatThrownBy(() -> compiler().compile(document, "store"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("condition on 'build_number'");
    }

    @Test
    void compileWhenScopesOrAudiencesNotStringsThenRefuses() {
        String yaml = HEADER + PINNED + "issue:\n  audiences: [1]\n  scopes: read\n";

        assertThat(String.join("\n", problems(yaml)))
                .contains("'audiences' must list non-empty strings")
                .contains("'scopes' must be a list of strings");
    }

    @Test
    void compileWhenPolicyCompiledThenScopesAndConditionsAreImmutable() {
        Policy policy = compile(HEADER + PINNED + ISSUE);

        assertThatThrownBy(() -> policy.scopes().add("admin"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> policy.conditions().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(Set.copyOf(policy.audiences())).containsExactly("https://api.example.test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gitlabOwnerWildcards")
    void compileWhenGitlabPatternWildcardsTheGroupThenRefuses(String attribute, String pattern) {
        String yaml = """
                apiVersion: vend.dev/v1
                id: gl-deploy
                issuer: gitlab-com
                conditions:
                  namespace_id: "42"
                  %s: {pattern: "%s"}
                issue:
                  audiences: [https://api.example.com]
                """.formatted(attribute, pattern);

        assertThat(problem(yaml, "gl-deploy")).contains("puts a wildcard in the owner segment");
    }

    static Stream<Arguments> gitlabOwnerWildcards() {
        return Stream.of(
                // The host comes first in ci_config_ref_uri; the group is segment 1.
                Arguments.of("ci_config_ref_uri",
                        "gitlab.com/acme*/app//.gitlab-ci.yml@refs/heads/main"),
                Arguments.of("ci_config_ref_uri", "gitlab.com/*/app//.gitlab-ci.yml@refs/heads/main"),
                Arguments.of("namespace_path", "acme*"),
                Arguments.of("project_path", "acme*/app"));
    }

    @Test
    void compileWhenGitlabPatternWildcardsOnlyAfterTheGroupThenAccepts() {
        Policy policy = compile("""
                apiVersion: vend.dev/v1
                id: gl-deploy
                issuer: gitlab-com
                conditions:
                  namespace_id: "42"
                  ci_config_ref_uri: {pattern: "gitlab.com/acme/*//.gitlab-ci.yml@refs/heads/main"}
                issue:
                  audiences: [https://api.example.com]
                """);

        assertThat(policy.conditions()).hasSize(2);
    }
}
