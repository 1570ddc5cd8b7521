// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.http;

import dev.vend.api.logging.RequestIdScope;
import dev.vend.metrics.RequestMetrics;
import java.util.function.Function;

/**
 * Binds one request to the thread that handles it: the request id the Lambda handler bound for
 * the invocation (in the MDC, so every log line names it; a new one only when no handler bound
 * any), and an open metrics scope that ends when the handling returns or throws, so the next
 * request on a pooled thread starts without it.
 */
final class RequestScope {

    private RequestScope() {
    }

    /**
     * Runs {@code handling} with the invocation's request id, inside a metrics scope.
     *
     * @param metrics the scopes the request's components record into
     * @param handling handles the request, given its id
     */
    static <T> T handle(RequestMetrics metrics, Function<String, T> handling) {
        try (RequestIdScope ids = RequestIdScope.join();
                RequestMetrics.Scope scope = metrics.open()) {
            return handling.apply(ids.requestId());
        }
    }
}
