// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every shell script under samples passes shellcheck. Skips with a message where shellcheck is
 * not installed, and fails under {@code CI=true}, where .ci/run installs it.
 */
class ShellScriptsTest {

    @Test
    void shellcheckWhenRunOnEverySampleScriptThenClean() throws Exception {
        requireShellcheck();
        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=style"));
        List<Path> scripts = scripts();
        scripts.forEach(script -> command.add(script.toString()));

        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);

        assertThat(scripts).hasSizeGreaterThanOrEqualTo(4);
        assertThat(finished).isTrue();
        assertThat(output).isEmpty();
        assertThat(process.exitValue()).isZero();
    }

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("").toAbsolutePath())) {
            return files.filter(file -> file.toString().endsWith(".sh"))
                    .filter(file -> !file.toString().contains("/target/"))
                    .sorted().toList();
        }
    }

    private static void requireShellcheck() throws InterruptedException {
        boolean present;
        try {
            present = new ProcessBuilder("shellcheck", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            present = false;
        }
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("shellcheck is not installed; .ci/run installs it from "
                    + "Debian's packages");
        }
        Assumptions.assumeTrue(present, "shellcheck is not installed (apt-get install "
                + "shellcheck); the sample scripts were not checked");
    }
}
