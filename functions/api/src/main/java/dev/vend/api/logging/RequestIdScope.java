// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.logging;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vend.audit.LogFields;
import dev.vend.vend.RequestIds;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The ids of the invocation a thread is handling, held in the logging MDC so that every line
 * logged meanwhile names them: Vend's own {@value LogFields#REQUEST_ID} (the one the response
 * and the audit event carry) and, in Lambda, the invocation's
 * {@value LogFields#AWS_REQUEST_ID}.
 *
 * <p>The Lambda handler {@linkplain #open opens} a scope as an invocation starts, so refusals
 * before the framework, framework errors and the controllers all see one id; code further in
 * {@linkplain #join joins} it instead of making another. Closing the scope that opened the ids
 * puts back what the MDC held before, which outside any invocation is nothing, so no id outlives
 * its invocation on a reused thread. Lines logged outside any invocation (start-up, the SnapStart
 * hooks) carry neither id.
 *
 * <p>Not thread-safe: a scope belongs to the thread that opened it and must be closed there.
 */
public final class RequestIdScope implements AutoCloseable {

    private final String requestId;
    private final boolean owner;
    private final @Nullable String previousRequestId;
    private final @Nullable String previousAwsRequestId;

    private RequestIdScope(String requestId, boolean owner, @Nullable String previousRequestId,
            @Nullable String previousAwsRequestId) {
        this.requestId = requestId;
        this.owner = owner;
        this.previousRequestId = previousRequestId;
        this.previousAwsRequestId = previousAwsRequestId;
    }

    /**
     * Binds a new request id, and the Lambda request id when {@code lambda} names one, to the
     * calling thread until {@link #close()}.
     *
     * @param lambda the invocation's Lambda context; {@code null} outside Lambda
     */
    public static RequestIdScope open(@Nullable Context lambda) {
        var scope = new RequestIdScope(RequestIds.next(), true, MDC.get(LogFields.REQUEST_ID),
                MDC.get(LogFields.AWS_REQUEST_ID));
        MDC.put(LogFields.REQUEST_ID, scope.requestId);
        putOrRemove(LogFields.AWS_REQUEST_ID, awsRequestId(lambda));
        return scope;
    }

    /**
     * The scope of the invocation this thread is handling; a new one, owned by the caller, when
     * there is none (a component driven without the Lambda handler).
     */
    public static RequestIdScope join() {
        return current().map(id -> new RequestIdScope(id, false, null, null))
                .orElseGet(() -> open(null));
    }

    /** The request id bound to this thread, if any. */
    public static Optional<String> current() {
        return Optional.ofNullable(MDC.get(LogFields.REQUEST_ID));
    }

    /** The request id: 32 lowercase hex characters. */
    public String requestId() {
        return requestId;
    }

    /** Unbinds the ids this scope bound, restoring what was there; a joined scope does nothing. */
    @Override
    public void close() {
        if (owner) {
            putOrRemove(LogFields.REQUEST_ID, previousRequestId);
            putOrRemove(LogFields.AWS_REQUEST_ID, previousAwsRequestId);
        }
    }

    private static @Nullable String awsRequestId(@Nullable Context lambda) {
        String id = lambda == null ? null : lambda.getAwsRequestId();
        return id == null || id.isBlank() ? null : id;
    }

    private static void putOrRemove(String key, @Nullable String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
