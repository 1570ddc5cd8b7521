// SPDX-License-Identifier: Apache-2.0
package dev.vend.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One audit record: the whole story of one request, written once. It holds hashes and chosen
 * attributes only, never a token, a proof, a signature or a full claim set. Keys are
 * {@link LogFields}; the map keeps a stable order. Immutable.
 *
 * @param fields the record's members
 */
public record AuditEvent(Map<String, Object> fields) {

    public AuditEvent {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The snake_case reason, or null on success. */
    public Object reason() {
        return fields.get(LogFields.REASON);
    }

    /** {@code allow}, {@code deny} or {@code error}. */
    public Object decision() {
        return fields.get(LogFields.DECISION);
    }
}
