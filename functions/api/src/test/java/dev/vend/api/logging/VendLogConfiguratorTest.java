// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.audit.JsonAuditLog;
import dev.vend.audit.LogFields;
import dev.vend.audit.MetricsAuditLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The logging set up in code: where each kind of line goes and what it looks like. */
class VendLogConfiguratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final LoggerContext context = new LoggerContext();
    private PrintStream realOut;
    private PrintStream realErr;

    @BeforeEach
    void capture() {
        realOut = System.out;
        realErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        // A fresh context, with the MDC that slf4j's MDC.put writes to.
        context.setMDCAdapter(MDC.getMDCAdapter());
    }

    @AfterEach
    void restore() {
        context.stop();
        System.setOut(realOut);
        System.setErr(realErr);
        MDC.clear();
    }

    @Test
    void logbackFindsTheConfiguratorThroughTheServiceFile() {
        assertThat(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
                .map(provider -> provider.type().getName()))
                .contains(VendLogConfigurator.class.getName());
    }

    @Test
    void auditAndMetricLinesGoToStandardOutputAsWritten() {
        configure();
        context.getLogger(JsonAuditLog.LOGGER).info("{\"event\":\"vend.decision\"}");
        context.getLogger(MetricsAuditLog.LOGGER).info("{\"_aws\":{}}");

        assertThat(lines(out)).containsExactly("{\"event\":\"vend.decision\"}", "{\"_aws\":{}}");
        assertThat(lines(err)).isEmpty();
    }

    @Test
    void auditAndMetricLinesInALambdaInvocationEndWithItsLambdaRequestId() {
        configure();
        MDC.put(LogFields.REQUEST_ID, "0123456789abcdef0123456789abcdef");
        MDC.put(LogFields.AWS_REQUEST_ID, "8f5c2a1e-\"-id");
        context.getLogger(JsonAuditLog.LOGGER).info("{\"event\":\"vend.decision\"}");
        context.getLogger(MetricsAuditLog.LOGGER).info("{}");
        context.getLogger(JsonAuditLog.LOGGER).info("not json");

        assertThat(lines(out)).containsExactly(
                "{\"event\":\"vend.decision\",\"aws_request_id\":\"8f5c2a1e-\\\"-id\"}",
                "{\"aws_request_id\":\"8f5c2a1e-\\\"-id\"}", "not json");
    }

    @Test
    void otherLinesAreJsonOnStandardErrorWithTheRequestId() throws Exception {
        configure();
        MDC.put(LogFields.REQUEST_ID, "0123456789abcdef0123456789abcdef");
        context.getLogger("dev.vend.vend.TokenVendingService").info("issuer {} unreachable",
                "ci");

        String[] lines = lines(err);
        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines[0]);
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("dev.vend.vend.TokenVendingService");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("issuer ci unreachable");
        assertThat(line.path("mdc").path(LogFields.REQUEST_ID).asText())
                .isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(line.path("mdc").has(LogFields.AWS_REQUEST_ID)).isFalse();
        assertThat(line.has("arguments")).as("raw arguments are not logged").isFalse();
        assertThat(lines(out)).isEmpty();
    }

    @Test
    void librariesLogWarningsOnlyAndVendItsInformation() {
        configure();
        context.getLogger("software.amazon.awssdk.request").info("library chatter");
        context.getLogger("io.micronaut.context").warn("library warning");
        context.getLogger("dev.vend.api.snapstart.SnapStartPriming").info("priming done");
        context.getLogger("dev.vend.api.snapstart.SnapStartPriming").debug("detail");

        assertThat(String.join("\n", lines(err)))
                .contains("library warning", "priming done")
                .doesNotContain("library chatter", "detail");
    }

    @Test
    void anOperatorsConfigurationFileWins() {
        System.setProperty("logback.configurationFile", "/etc/vend/logback.xml");
        try {
            var configurator = new VendLogConfigurator();
            configurator.setContext(context);
            assertThat(configurator.configure(context))
                    .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(JsonAuditLog.LOGGER).iteratorForAppenders().hasNext())
                    .isFalse();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }

    private void configure() {
        var configurator = new VendLogConfigurator();
        configurator.setContext(context);
        assertThat(configurator.configure(context))
                .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    }

    private static String[] lines(ByteArrayOutputStream stream) {
        String text = stream.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? new String[0] : text.split("\n");
    }
}
