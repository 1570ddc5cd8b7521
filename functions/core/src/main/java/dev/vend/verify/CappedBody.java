// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A response body read into memory up to a cap, for the JDK HTTP client: the exchange is
 * cancelled as soon as the body grows past the cap, so an oversized answer is never buffered
 * whole, and the response future fails with an exception {@link #isTooLarge} recognises. Vend's
 * HTTPS clients (issuer documents, the STS call of an IAM proof) read every body this way.
 *
 * <p>Each exchange gets its own subscriber. Signals arrive serially (the Flow rules), so its
 * fields need no locking.
 */
public final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final HttpResponse.BodySubscriber<byte[]> bytes =
            HttpResponse.BodySubscribers.ofByteArray();
    private final int cap;
    private long received;
    private boolean refused;
    private Flow.@Nullable Subscription subscription;

    private CappedBody(int cap) {
        this.cap = cap;
    }

    /**
     * A body handler that keeps at most {@code cap} bytes.
     *
     * @param cap the most bytes a body may have; one more fails the exchange
     */
    public static HttpResponse.BodyHandler<byte[]> handler(int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("negative cap " + cap);
        }
        return info -> new CappedBody(cap);
    }

    /** Whether an exchange failed because its body grew past the cap (at any cause depth). */
    public static boolean isTooLarge(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return bytes.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        bytes.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (refused) {
            return;
        }
        items.forEach(item -> received += item.remaining());
        if (received > cap) {
            refused = true;
            Objects.requireNonNull(subscription).cancel();
            bytes.onError(new TooLarge());
            return;
        }
        bytes.onNext(items);
    }

    @Override
    public void onError(Throwable failure) {
        if (!refused) {
            bytes.onError(failure);
        }
    }

    @Override
    public void onComplete() {
        if (!refused) {
            bytes.onComplete();
        }
    }

    /** The body grew past the cap. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("response body over the size cap", null);
        }
    }
}
