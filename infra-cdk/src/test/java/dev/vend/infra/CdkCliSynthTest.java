// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline synth of {@code infra-cdk/README.md}, run as a user runs it: the CDK CLI that
 * {@code npm ci} installs from the repository's lock file, this module's {@code cdk.json} app
 * command, and the Lambda jar the build made, with no AWS credentials and no network.
 */
class CdkCliSynthTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path CDK = MODULE.resolveSibling("node_modules/.bin/cdk");
    private static final Path FUNCTION_JAR =
            MODULE.resolveSibling("functions/api/target/vend-api-0.1.0-SNAPSHOT.jar");

    @TempDir
    Path out;

    @Test
    void cdkSynthWhenRunFromTheReadmeThenWritesTheStackTemplateOffline() throws Exception {
        requireCliAndJar();
        var command = new ProcessBuilder(CDK.toString(), "synth", "--quiet", "--no-notices",
                "--no-version-reporting", "--output", out.toString())
                .directory(MODULE.toFile()).redirectErrorStream(true);
        command.environment().put("CDK_DISABLE_VERSION_CHECK", "1");
        // No credentials from the machine: the synth must not need any.
        command.environment().put("AWS_SHARED_CREDENTIALS_FILE", out.resolve("none").toString());
        command.environment().put("AWS_CONFIG_FILE", out.resolve("none").toString());
        command.environment().remove("AWS_ACCESS_KEY_ID");
        command.environment().remove("AWS_SECRET_ACCESS_KEY");
        command.environment().remove("AWS_SESSION_TOKEN");
        Process process = command.start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);

        assertThat(finished).as("cdk synth finished").isTrue();
        assertThat(process.exitValue()).as("cdk synth exit code; it printed:%n%s", output)
                .isZero();
        String template = Files.readString(out.resolve("Vend.template.json"));
        assertThat(template).contains("\"AWS::Lambda::Alias\"", "\"AWS::KMS::Key\"",
                "\"AWS::ApiGatewayV2::Api\"", "\"ApplyOn\": \"PublishedVersions\"");
    }

    private static void requireCliAndJar() {
        boolean present = Files.isExecutable(CDK) && Files.isRegularFile(FUNCTION_JAR);
        String missing = "the CDK CLI (" + CDK + ", from `npm ci`) or the Lambda jar ("
                + FUNCTION_JAR + ", from `mvn -pl functions/api -am package`) is missing";
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + "; the README's test command installs and builds "
                    + "both");
        }
        Assumptions.assumeTrue(present, missing + "; the offline synth was not run");
    }

}
