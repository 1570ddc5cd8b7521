// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Runs the {@code vend} command line in-process and captures what it prints, for the
 * {@code vend policy} tests. Stateless.
 */
final class PolicyCli {

    /** Vend's issuer URL the unsafe fixtures are written against. */
    static final String FIXTURE_ISSUER_URL = "https://vend.example.com";

    private PolicyCli() {
    }

    /**
     * The outcome of one run.
     *
     * @param exitCode the exit status
     * @param output standard output and standard error, in that order
     */
    record Run(int exitCode, String output) {
        /** The printed lines. */
        java.util.List<String> lines() {
            return output.lines().toList();
        }
    }

    static Run vend(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int status = new CommandLine(new VendCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(status, out + err.toString());
    }

    /** The repository root: {@code vend.repo.dir} as the build sets it, else found upwards. */
    static Path repo() {
        String configured = System.getProperty("vend.repo.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (dir.resolve("policies/policy.schema.json").toFile().isFile()) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root not found");
    }
}
