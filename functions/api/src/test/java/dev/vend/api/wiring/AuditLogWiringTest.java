// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.audit.AuditLog;
import dev.vend.audit.JsonAuditLog;
import dev.vend.audit.MetricsAuditLog;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lambda writes a CloudWatch metric line per audit event; the local server does not. */
class AuditLogWiringTest {

    @TempDir
    Path dir;

    @Test
    void auditLogWhenRunningAsFunctionThenEmitsMetrics() throws Exception {
        try (var context = context("function", "lambda")) {
            assertThat(context.getBean(AuditLog.class)).isInstanceOf(MetricsAuditLog.class);
        }
    }

    @Test
    void auditLogWhenRunningAsLocalServerThenAuditOnly() throws Exception {
        try (var context = context("local")) {
            assertThat(context.getBean(AuditLog.class)).isInstanceOf(JsonAuditLog.class);
        }
    }

    private ApplicationContext context(String... environments) throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies"));
        return ApplicationContext.builder().environments(environments).properties(Map.of(
                "vend.issuer-url", "https://vend.test",
                "vend.policies-folder", policies.toString(),
                "vend.state-dir", dir.resolve("state").toString())).start();
    }
}
