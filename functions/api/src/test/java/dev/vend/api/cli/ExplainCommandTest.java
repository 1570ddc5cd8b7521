// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.testsupport.RealDocs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vend explain} on the genuine GitHub Actions token of realdocs. */
class ExplainCommandTest {

    private static final String TOKEN = "github-oidc/token-01-stepsecurity-2022-08-05.jwt";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream original;
    private PrintStream originalErr;

    @BeforeEach
    void captureOutput() {
        original = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(original);
        System.setErr(originalErr);
    }

    @Test
    void explainWhenTokenVerifiesAtItsOwnTimeThenPrintsClaimsAndEachCondition() throws Exception {
        int status = explain("1659663100");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(printed)
                .contains("subject   oidc:github-actions:25015917:433903792")
                .contains("repository = \"varunsh-coder/actions-playground\"")
                .contains("job_workflow_ref = \"varunsh-coder/actions-playground/.github/"
                        + "workflows/mfa_release.yml@refs/heads/main\"")
                .contains("held    repository_id equals \"433903792\"")
                .contains("FAILED  ref equals \"refs/heads/release\"")
                .contains("decision: allow by playground-main");
    }

    @Test
    void explainWhenTodayThenSaysExpired() throws Exception {
        int status = explain("2026-12-03T00:00:00Z");

        assertThat(status).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("refused: expired");
    }

    @Test
    void explainWhenTokenFileEndsWithNewlineThenNotesTheServerRefusesIt() throws Exception {
        String token = Files.readString(RealDocs.resolve(TOKEN)).strip();
        Path withNewline = Files.writeString(dir.resolve("with-newline.jwt"), token + "\n");
        Path exact = Files.writeString(dir.resolve("exact.jwt"), token);

        assertThat(explain("1659663100", exact)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("note:");
        assertThat(explain("1659663100", withNewline)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("note: the token file has white space around the token")
                .contains("the server refuses");
    }

    private int explain(String at) throws Exception {
        return explain(at, RealDocs.resolve(TOKEN));
    }

    private int explain(String at, Path token) throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("main.yaml"), policy("playground-main", "refs/heads/main"));
        Files.writeString(policies.resolve("release.yaml"),
                policy("playground-release", "refs/heads/release"));
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: github-actions
                    issuer: https://token.actions.githubusercontent.com
                    preset: github-actions
                    jwksFile: %s
                    audiences: [https://github.com/varunsh-coder]
                    allowSharedAudiences: true
                """.formatted(RealDocs.resolve("github-oidc/github-jwks-2022-snapshot.json")));
        return new CommandLine(new VendCommand()).execute("explain",
                "--issuers", issuers.toString(), "--policies", policies.toString(),
                "--token-file", token.toString(), "--at", at);
    }

    private static String policy(String id, String ref) {
        return """
                apiVersion: vend.dev/v1
                id: %s
                issuer: github-actions
                conditions:
                  repository_owner_id: "25015917"
                  repository_id: "433903792"
                  ref: %s
                issue:
                  audiences: [https://releases.example.com]
                """.formatted(id, ref);
    }
}
