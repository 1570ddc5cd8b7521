// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.http;

import dev.vend.audit.LogFields;
import dev.vend.metrics.RequestMetrics;
import dev.vend.vend.RequestIds;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Binds one request to the thread that handles it: a new request id in the MDC, so every log
 * line names it, and an open metrics scope; both end when the handling returns or throws, so the
 * next request on a pooled thread starts with neither.
 */
final class RequestScope {

    private RequestScope() {
    }

    /**
     * Runs {@code handling} with a new request id, inside that id's MDC entry and a metrics scope.
     *
     * @param metrics the scopes the request's components record into
     * @param handling handles the request, given its id
     */
    static <T> T handle(RequestMetrics metrics, Function<String, T> handling) {
        String requestId = RequestIds.next();
        MDC.put(LogFields.REQUEST_ID, requestId);
        try (RequestMetrics.Scope scope = metrics.open()) {
            return handling.apply(requestId);
        } finally {
            MDC.remove(LogFields.REQUEST_ID);
        }
    }
}
