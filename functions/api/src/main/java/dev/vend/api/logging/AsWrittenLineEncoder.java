// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.vend.audit.LogFields;
import java.nio.charset.StandardCharsets;

/**
 * Writes a line that is JSON already (an audit event, a metric line) as it is, one per line,
 * with the invocation's {@value LogFields#AWS_REQUEST_ID} added as its last member when the
 * line was logged inside a Lambda invocation. The lines carry Vend's own
 * {@value LogFields#REQUEST_ID} themselves; a line that is not a JSON object is left alone.
 * Thread-safe.
 */
final class AsWrittenLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = event.getFormattedMessage();
        String awsRequestId = event.getMDCPropertyMap().get(LogFields.AWS_REQUEST_ID);
        if (awsRequestId != null && isJsonObject(line)) {
            line = withMember(line.strip(), LogFields.AWS_REQUEST_ID, awsRequestId);
        }
        return (line + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    private static boolean isJsonObject(String line) {
        String text = line.strip();
        return text.startsWith("{") && text.endsWith("}");
    }

    /** The object with one more string member before its closing brace. */
    private static String withMember(String object, String name, String value) {
        String inside = object.substring(1, object.length() - 1);
        String member = "\"" + name + "\":\"" + quoted(value) + "\"";
        return "{" + inside + (inside.isBlank() ? "" : ",") + member + "}";
    }

    private static String quoted(String value) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(value));
    }
}
