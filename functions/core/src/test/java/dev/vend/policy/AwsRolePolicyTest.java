// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import static dev.vend.policy.PolicyFixtures.compile;
import static dev.vend.policy.PolicyFixtures.compiler;
import static dev.vend.policy.PolicyFixtures.document;
import static dev.vend.policy.PolicyFixtures.identity;
import static dev.vend.policy.PolicyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.issue.AwsSessionRequest;
import dev.vend.issue.AwsSessionRules;
import dev.vend.issue.KeyRing;
import dev.vend.issue.LocalSigningKeys;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.AwsCredentials;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestKeys;
import dev.vend.verify.DenialReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A policy's {@code issue.awsRole}: lint at load, STS rules at evaluate, credentials at issue. */
class AwsRolePolicyTest {

    private static final String ROLE = "arn:aws:iam::111111111111:role/deploy";

    private static String policy(String awsRole) {
        return """
                apiVersion: vend.dev/v1
                id: gh-aws
                issuer: github-actions
                conditions:
                  repository_owner_id: "1001"
                  repository_id: "123"
                  ref: refs/heads/main
                issue:
                  awsRole:
                %s""".formatted(awsRole);
    }

    private static String role(String extra) {
        return """
                    roleArn: %s
                    maxLifetimeSeconds: 1800
                    sourceIdentity: repository_id
                    sessionTags:
                      repository_id: "${repository_id}"
                      ref: "${ref}"
                      team: platform
                %s""".formatted(ROLE, extra);
    }

    private static Map<String, Object> claims(String ref) {
        var claims = new LinkedHashMap<String, Object>();
        claims.put("sub", "repo:acme/app:ref:" + ref);
        claims.put("repository", "acme/app");
        claims.put("repository_id", "123");
        claims.put("repository_owner", "acme");
        claims.put("repository_owner_id", "1001");
        claims.put("ref", ref);
        return claims;
    }

    private static List<String> problems(String yaml) {
        var refused = catchThrowableOfType(PolicyException.class,
                () -> compiler().compile(document(yaml), "test.yaml"));
        assertThat(refused).as("refusal of %s", yaml).isNotNull();
        return refused.problems();
    }

    private static Decision evaluate(Policy policy, VerifiedIdentity identity) {
        return new PolicyEngine(id -> List.of(policy)).evaluate(identity,
                request(List.of(), Set.of(), TokenTypes.AWS_CREDENTIALS));
    }

    @Test
    void compileWhenAwsRoleValidThenPolicyCarriesItWithoutNeedingAnAudience() {
        Policy policy = compile(policy(role("")));

        assertThat(policy.audiences()).isEmpty();
        assertThat(policy.awsRole()).isNotNull();
        assertThat(policy.awsRole().roleArn()).isEqualTo(ROLE);
        assertThat(policy.awsRole().maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(policy.awsRole().sessionTags()).containsEntry("team", "platform")
                .containsEntry("repository_id", "${repository_id}");
    }

    @Test
    void compileWhenAwsRoleBreaksStsRulesThenRefusesListingEveryProblem() {
        String bad = """
                    roleArn: arn:aws:iam::1:role/x
                    maxLifetimeSeconds: 7200
                    sourceIdentity: no_such_claim
                    sessionPolicy: "not json"
                    sessionTags:
                      "aws:x": a
                      "vend:policy_id": mine
                      literal: "semi;colon"
                      other: "${no_such_claim}"
                """;

        List<String> problems = problems(policy(bad));

        String all = String.join("\n", problems);
        assertThat(all).contains("roleArn").contains("between 900 and 3600")
                .contains("sourceIdentity names 'no_such_claim'").contains("sessionPolicy")
                .contains("key 'aws:x'").contains("vend:policy_id is set by Vend")
                .contains("sessionTags.literal").contains("sessionTags.other names");
        assertThat(problems).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void evaluateWhenAwsCredentialsRequestedThenEntitlementCarriesTheResolvedSession() {
        Policy policy = compile(policy(role("")));

        Decision decision = evaluate(policy, identity("github-actions",
                claims("refs/heads/main")));

        assertThat(decision).isInstanceOf(Decision.Allow.class);
        AwsSessionRequest session = ((Decision.Allow) decision).entitlement().awsSession();
        assertThat(session).isNotNull();
        assertThat(session.roleArn()).isEqualTo(ROLE);
        assertThat(session.sessionName()).isEqualTo("vend-gh-aws");
        assertThat(session.sourceIdentity()).isEqualTo("123");
        assertThat(session.duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(session.tags()).containsEntry(AwsSessionRules.POLICY_ID_TAG, "gh-aws")
                .containsEntry("repository_id", "123").containsEntry("ref", "refs/heads/main")
                .containsEntry("team", "platform");
        assertThat(AwsSessionRules.problems(session)).isEmpty();
    }

    @Test
    void evaluateWhenAttributeValueBreaksStsRulesThenRefusalNotAFailure() {
        // '#' is outside STS's tag value characters; a ref may contain it.
        Policy policy = compile(policy(role("")).replace("ref: refs/heads/main",
                "ref: \"refs/heads/a#b\""));

        Decision decision = evaluate(policy, identity("github-actions",
                claims("refs/heads/a#b")));

        assertThat(decision).isInstanceOf(Decision.Deny.class);
        assertThat(((Decision.Deny) decision).reason())
                .isEqualTo(DenialReason.TOKEN_TYPE_NOT_ENTITLED);
    }

    @Test
    void evaluateWhenPolicyHasNoAwsRoleThenAwsCredentialsAreNotEntitled() {
        Policy policy = compile(policy(role("")).replace("""
                  awsRole:
                """, "  audiences: [https://api.example.test]\n").replace(role(""), ""));

        Decision decision = evaluate(policy, identity("github-actions",
                claims("refs/heads/main")));

        assertThat(((Decision.Deny) decision).reason())
                .isEqualTo(DenialReason.TOKEN_TYPE_NOT_ENTITLED);
    }

    @Test
    void issueWhenEntitlementCarriesSessionThenCredentialsWithTokenTypeNa() {
        Policy policy = compile(policy(role("")));
        Entitlement entitlement = ((Decision.Allow) evaluate(policy, identity("github-actions",
                claims("refs/heads/main")))).entitlement();
        var calls = new ArrayList<AwsSessionRequest>();
        Instant expiration = Instant.parse("2030-01-01T00:30:00Z");
        var ring = new KeyRing(List.of(LocalSigningKeys.fromJwk(TestKeys.ecP256(), "file:/k")),
                Duration.ofMinutes(5));
        var issuer = new TokenIssuer("https://vend.example.test", ring,
                Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC), request -> {
                    calls.add(request);
                    return new AwsCredentials("ASIATEST", "secret", "session-token", expiration);
                });

        IssuedToken token = issuer.issue(identity("github-actions", claims("refs/heads/main")),
                entitlement);

        assertThat(calls).containsExactly(entitlement.awsSession());
        assertThat(token.accessToken()).isEqualTo("session-token");
        assertThat(token.tokenType()).isEqualTo("N_A");
        assertThat(token.issuedTokenType()).isEqualTo(TokenTypes.AWS_CREDENTIALS);
        assertThat(token.expiresInSeconds()).isEqualTo(1800);
        assertThat(token.awsCredentials()).isNotNull();
        assertThat(token.toString()).doesNotContain("secret").doesNotContain("session-token");
    }
}
