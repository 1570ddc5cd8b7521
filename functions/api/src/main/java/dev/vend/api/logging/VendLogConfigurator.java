// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.vend.audit.JsonAuditLog;
import dev.vend.audit.MetricsAuditLog;

/**
 * Vend's logging, set up in code when logback starts (found through
 * {@code META-INF/services}), instead of a {@code logback.xml} that logback would parse with an
 * XML parser on every cold start (about 95 ms of CPU, measured in docs/performance.md).
 *
 * <ul>
 *   <li>Audit events ({@code vend.audit}) and CloudWatch metric lines ({@code vend.metrics}) are
 *       JSON already, with the request id among their members: each is written as it is, one
 *       per line, on standard output, with the Lambda request id added in Lambda
 *       ({@link AsWrittenLineEncoder}).
 *   <li>Every other line is one JSON object on standard error, with the ids of the invocation it
 *       belongs to in its {@code mdc} member ({@code request_id}, and {@code aws_request_id} in
 *       Lambda; see {@link RequestIdScope}) and the formatted message; only warnings and above,
 *       but {@code INFO} for Vend's own loggers and Micronaut's start line.
 * </ul>
 *
 * <p>Lines logged outside any invocation (start-up, SnapStart priming and restore hooks) carry
 * no request id.
 *
 * <p>An operator's own file still wins: with {@code -Dlogback.configurationFile}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path, this configurator steps
 * aside and logback reads the file as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class VendLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (operatorFileGiven()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        var asWritten = consoleAppender(context, "AUDIT", false, linesAsWritten(context));
        logger(context, JsonAuditLog.LOGGER, Level.INFO, asWritten);
        logger(context, MetricsAuditLog.LOGGER, Level.INFO, asWritten);
        var json = consoleAppender(context, "JSON", true, jsonLines(context));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(json);
        context.getLogger("dev.vend").setLevel(Level.INFO);
        context.getLogger("io.micronaut.runtime.Micronaut").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean operatorFileGiven() {
        ClassLoader loader = VendLogConfigurator.class.getClassLoader();
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null;
    }

    private static void logger(LoggerContext context, String name, Level level,
            ConsoleAppender<ILoggingEvent> appender) {
        Logger logger = context.getLogger(name);
        logger.setLevel(level);
        logger.setAdditive(false);
        logger.addAppender(appender);
    }

    private static Encoder<ILoggingEvent> linesAsWritten(LoggerContext context) {
        var encoder = new AsWrittenLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> jsonLines(LoggerContext context) {
        var encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    private static ConsoleAppender<ILoggingEvent> consoleAppender(LoggerContext context,
            String name, boolean standardError, Encoder<ILoggingEvent> encoder) {
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName(name);
        if (standardError) {
            appender.setTarget("System.err");
        }
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
