// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import static dev.vend.api.cli.PolicyCli.vend;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyLintCommandTest {

    private static final Path POLICIES = PolicyCli.repo().resolve("policies");
    private static final Path UNSAFE = POLICIES.resolve("src/test/resources/unsafe");
    private static final String DEFAULT_ISSUERS = PolicyCli.repo()
            .resolve("functions/api/src/main/resources/dev/vend/api/default-issuers.yaml")
            .toString();
    private static final String EXAMPLE_ISSUERS =
            POLICIES.resolve("src/test/resources/example-issuers.yaml").toString();

    private static final String GOOD = """
            apiVersion: vend.dev/v1
            id: gh-deploy
            issuer: github-actions
            conditions:
              repository_owner_id: "1001"
              repository_id: "123"
            issue:
              audiences: [https://api.example.com]
            """;

    @TempDir
    Path dir;

    @Test
    void lintWhenShippedPoliciesFolderThenExitsZero() {
        var run = vend("policy", "lint", POLICIES.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("policies in " + POLICIES + ": clean");
    }

    @Test
    void lintWhenShippedExamplesWithDefaultAndExampleIssuersThenExitsZero() {
        var run = vend("policy", "lint", POLICIES.resolve("examples").toString(),
                "--issuers", DEFAULT_ISSUERS, "--issuers", EXAMPLE_ISSUERS);

        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    static Stream<Path> unsafeFixtures() throws IOException {
        try (Stream<Path> files = Files.list(UNSAFE)) {
            return files.sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafeFixtures")
    void lintWhenUnsafeFixtureThenExitsOneWithOneLineNamingFilePolicyAndRule(Path fixture)
            throws IOException {
        Path folder = Files.createDirectory(dir.resolve("one"));
        Path copy = Files.copy(fixture, folder.resolve(fixture.getFileName()));
        String policyId = "unsafe-" + fixture.getFileName().toString().replace(".yaml", "");

        var run = vend("policy", "lint", folder.toString(),
                "--issuer-url", PolicyCli.FIXTURE_ISSUER_URL);

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.lines()).hasSize(2);
        assertThat(run.lines().get(0)).startsWith("policy " + policyId + " (" + copy + "): ")
                .hasSizeGreaterThan(("policy " + policyId + " (" + copy + "): ").length() + 10);
        assertThat(run.lines().get(1)).isEqualTo("1 problem(s) in " + folder);
    }

    @Test
    void lintWhenWholeUnsafeFolderThenOneLinePerFixture() throws IOException {
        var run = vend("policy", "lint", UNSAFE.toString(),
                "--issuer-url", PolicyCli.FIXTURE_ISSUER_URL);

        long fixtures = unsafeFixtures().count();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).hasSize((int) fixtures + 1);
    }

    @Test
    void lintWhenCleanFolderThenExitsZero() throws IOException {
        Files.writeString(dir.resolve("gh.yaml"), GOOD);

        var run = vend("policy", "lint", dir.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("1 policies in " + dir + ": clean");
    }

    @Test
    void lintWhenMultiTenantPolicyPinsOnlyTheRepositoryIdThenRefusedForTheTable()
            throws IOException {
        // The compiler accepts it; the DynamoDB table could never find it (docs/policies.md).
        Path file = dir.resolve("gh.yaml");
        Files.writeString(file, GOOD.replace("  repository_owner_id: \"1001\"\n", ""));

        var run = vend("policy", "lint", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines().get(0)).startsWith("policy gh-deploy (" + file + "): ")
                .contains("must pin repository_owner_id");
    }

    @Test
    void lintWhenTwoFilesShareAnIdThenRefusedNamingBoth() throws IOException {
        Path first = dir.resolve("a.yaml");
        Path second = dir.resolve("b.yaml");
        Files.writeString(first, GOOD);
        Files.writeString(second, GOOD);

        var run = vend("policy", "lint", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines().get(0)).isEqualTo("policy gh-deploy (" + second
                + "): id already used by " + first);
    }

    @Test
    void lintWhenDocumentIsNotYamlThenRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "id: [unclosed\n");

        var run = vend("policy", "lint", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines().get(0)).startsWith(file + ": not valid YAML 1.2");
    }

    @Test
    void lintWhenFolderMissingOrEmptyThenExitsOne() throws IOException {
        assertThat(vend("policy", "lint", dir.resolve("missing").toString()).exitCode())
                .isEqualTo(1);
        assertThat(vend("policy", "lint", dir.toString()).lines())
                .first().asString().contains("no policy documents");
    }

    @Test
    void lintWhenIssuerNamedOnlyInAnExtraRegistryFileThenNeedsThatFile() throws IOException {
        Path folder = POLICIES.resolve("examples");

        var withDefaultOnly = vend("policy", "lint", folder.toString());
        var withBoth = vend("policy", "lint", folder.toString(),
                "--issuers", DEFAULT_ISSUERS, "--issuers", EXAMPLE_ISSUERS);

        assertThat(withDefaultOnly.exitCode()).isEqualTo(1);
        assertThat(withDefaultOnly.output()).contains("is not in the issuer registry");
        assertThat(withBoth.exitCode()).isZero();
    }

    @Test
    void lintWhenSameIssuerFileGivenTwiceThenRegistryProblem() throws IOException {
        Files.writeString(dir.resolve("gh.yaml"), GOOD);

        var run = vend("policy", "lint", dir.toString(),
                "--issuers", DEFAULT_ISSUERS, "--issuers", DEFAULT_ISSUERS);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).contains("issuer registry: issuer id github-actions is "
                + "registered in two files");
    }

    @Test
    void lintWhenNoFolderGivenThenUsageErrorExitsTwo() {
        assertThat(vend("policy", "lint").exitCode()).isEqualTo(2);
    }
}
