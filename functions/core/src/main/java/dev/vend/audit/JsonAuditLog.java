// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import dev.vend.parse.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each audit event as one JSON line at INFO on the {@code vend.audit} logger. Thread-safe.
 */
public final class JsonAuditLog implements AuditLog {

    /** The logger name operators route to their audit sink. */
    public static final String LOGGER = "vend.audit";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    @Override
    public void record(AuditEvent event) {
        LOG.info(toJson(event));
    }

    /** The event as one line of JSON. */
    public static String toJson(AuditEvent event) {
        try {
            return Json.write(event.fields());
        } catch (IllegalArgumentException e) {
            return "{\"" + LogFields.EVENT + "\":\"" + LogFields.VEND_DECISION + "\",\""
                    + LogFields.AUDIT_ERROR + "\":\"unserialisable\"}";
        }
    }
}
