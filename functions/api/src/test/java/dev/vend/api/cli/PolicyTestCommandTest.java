// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import static dev.vend.api.cli.PolicyCli.vend;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTestCommandTest {

    private static final Path POLICIES = PolicyCli.repo().resolve("policies");

    private static final String POLICY = """
            apiVersion: vend.dev/v1
            id: gh-deploy
            issuer: github-actions
            conditions:
              repository_owner_id: "1001"
              repository_id: "123"
              ref: refs/heads/main
            issue:
              audiences: [https://api.example.com]
              scopes: [deploy]
            """;

    private static final String AUDIT = """
            apiVersion: vend.dev/v1
            id: gh-audit
            issuer: github-actions
            mode: audit
            conditions:
              repository_owner_id: "1001"
              repository_id: "123"
              ref: refs/heads/release
            issue:
              audiences: [https://api.example.com]
            """;

    @TempDir
    Path dir;

    private Path policies;

    @BeforeEach
    void writePolicies() throws IOException {
        policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("gh.yaml"), POLICY);
        Files.writeString(policies.resolve("audit.yaml"), AUDIT);
    }

    private Path cases(String yaml) throws IOException {
        return Files.writeString(dir.resolve("cases.yaml"), yaml);
    }

    private static String github(String ref, String expect) {
        return """
                  - name: %2$s on %1$s
                    issuer: github-actions
                    attributes:
                      repository_owner_id: "1001"
                      repository_id: "123"
                      ref: %1$s
                    expect: %2$s
                """.formatted(ref, expect);
    }

    @Test
    void testWhenEveryCasePassesThenPrintsPassPerCaseAndExitsZero() throws IOException {
        Path file = cases("cases:\n" + github("refs/heads/main", "allow")
                + "    policy: gh-deploy\n" + github("refs/heads/dev", "deny")
                + "    reason: no_matching_policy\n");

        var run = vend("policy", "test", policies.toString(), "--cases", file.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.lines()).containsExactly("PASS allow on refs/heads/main",
                "PASS deny on refs/heads/dev", "2 passed, 0 failed");
    }

    @Test
    void testWhenACaseFailsThenPrintsWhyAndExitsOne() throws IOException {
        Path file = cases("cases:\n" + github("refs/heads/dev", "allow")
                + github("refs/heads/main", "deny"));

        var run = vend("policy", "test", policies.toString(), "--cases", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).containsExactly(
                "FAIL allow on refs/heads/dev: expected allow, got deny (no_matching_policy); "
                        + "no policy matched",
                "FAIL deny on refs/heads/main: expected deny, got allow by gh-deploy",
                "0 passed, 2 failed");
    }

    @Test
    void testWhenAllowedByAnotherPolicyThanExpectedThenFails() throws IOException {
        Path file = cases("cases:\n" + github("refs/heads/main", "allow")
                + "    policy: gh-other\n");

        var run = vend("policy", "test", policies.toString(), "--cases", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines().get(0)).endsWith("expected allow by gh-other, got allow by "
                + "gh-deploy");
    }

    @Test
    void testWhenOnlyAnAuditPolicyMatchesThenDeniedAuditModeOnly() throws IOException {
        Path file = cases("cases:\n" + github("refs/heads/release", "deny")
                + "    reason: audit_mode_only\n    policy: gh-audit\n");

        var run = vend("policy", "test", policies.toString(), "--cases", file.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void testWhenValueHasAnotherTypeThanDeclaredThenDroppedAsTheVerifierDoes() throws IOException {
        // BUG-06 B: GitHub ids are strings; a number never stands for one.
        Path file = cases("""
                cases:
                  - name: numeric ids
                    issuer: github-actions
                    attributes:
                      repository_owner_id: 1001
                      repository_id: 123
                      ref: refs/heads/main
                    expect: deny
                """);

        var run = vend("policy", "test", policies.toString(), "--cases", file.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void testWhenCasesFileNamesUnknownIssuerOrAttributeThenExitsOneNamingTheCase()
            throws IOException {
        Path file = cases("""
                cases:
                  - name: typo
                    issuer: github-actions
                    attributes:
                      branch: main
                    expect: allow
                  - name: unknown issuer
                    issuer: circleci
                    expect: deny
                """);

        var run = vend("policy", "test", policies.toString(), "--cases", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("case 'typo'").contains("'branch'")
                .contains("case 'unknown issuer'").contains("circleci");
    }

    @Test
    void testWhenFolderDoesNotLintThenNotTestedAndExitsOne() throws IOException {
        Files.writeString(policies.resolve("bad.yaml"), POLICY.replace("gh-deploy", "gh-bad")
                .replace("  ref: refs/heads/main\n", "  ref:\n    pattern: \"*\"\n"));
        Path file = cases("cases:\n" + github("refs/heads/main", "allow"));

        var run = vend("policy", "test", policies.toString(), "--cases", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("not tested: 1 problem(s)");
    }

    @Test
    void testWhenShippedPoliciesAndCasesThenAllPass() {
        var run = vend("policy", "test", POLICIES.toString(),
                "--cases", POLICIES.resolve("cases/shipped.cases.yaml").toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).doesNotContain("FAIL");
    }

    @Test
    void testWhenShippedExamplesAndCasesThenAllPass() {
        var run = vend("policy", "test", POLICIES.resolve("examples").toString(),
                "--issuers", PolicyCli.repo().resolve(
                        "functions/api/src/main/resources/dev/vend/api/default-issuers.yaml")
                        .toString(),
                "--issuers", POLICIES.resolve("src/test/resources/example-issuers.yaml")
                        .toString(),
                "--cases", POLICIES.resolve("cases/examples.cases.yaml").toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).doesNotContain("FAIL");
    }
}
