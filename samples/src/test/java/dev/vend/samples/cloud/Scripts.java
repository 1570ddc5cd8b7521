// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.cloud;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a sample script with bash and a controlled environment. Skips with a message when bash,
 * curl or openssl is missing, and fails instead under {@code CI=true}, where .ci/run installs them.
 */
final class Scripts {

    /** What a run printed and how it ended. */
    record Run(int status, String stdout, String stderr) {
    }

    private Scripts() {
    }

    static void requireTools(String... tools) throws InterruptedException {
        for (String tool : tools) {
            boolean present;
            try {
                // openssl has no --version; "openssl version" is its spelling.
                Process probe = new ProcessBuilder(tool,
                        tool.equals("openssl") ? "version" : "--version")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                present = probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
            } catch (IOException e) {
                present = false;
            }
            if (!present && "true".equals(System.getenv("CI"))) {
                throw new AssertionError(tool + " is not installed; the cloud sample scripts "
                        + "need it and CI must run their tests");
            }
            Assumptions.assumeTrue(present, tool + " is not installed; the cloud sample "
                    + "scripts were not run");
        }
    }

    /** Runs {@code samples/<script>} (tests run in samples/) with these variables only added. */
    static Run run(String script, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path path = Path.of(script).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("no script at " + path);
        }
        Path out = Files.createTempFile("script", ".out");
        Path err = Files.createTempFile("script", ".err");
        try {
            var command = new java.util.ArrayList<>(List.of("bash", path.toString()));
            command.addAll(List.of(args));
            var builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            var environment = builder.environment();
            for (String name : List.of("VEND_URL", "VEND_SERVER_ID", "VEND_AUDIENCE",
                    "VEND_IMDS_URL", "VEND_METADATA_URL", "http_proxy", "https_proxy",
                    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")) {
                environment.remove(name);
            }
            environment.put("NO_PROXY", "127.0.0.1,localhost");
            environment.put("no_proxy", "127.0.0.1,localhost");
            environment.putAll(env);
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish in 60 s");
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
