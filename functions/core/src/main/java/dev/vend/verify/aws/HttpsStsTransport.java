// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.verify.VendingFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * Sends rebuilt requests to {@code https://<signed host>/} with the JVM's trust store, no
 * redirects and short timeouts: 3 s to connect, 3 s for the response headers, and 6 s for the
 * whole exchange, body included. The host comes from the allowlist, so no
 * private address is reachable through it.
 */
final class HttpsStsTransport implements AwsVerifierConfig.StsTransport {

    private static final int MAX_BODY = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient client;
    private final Duration timeout;

    HttpsStsTransport() {
        this(defaultContext(), TIMEOUT);
    }

    HttpsStsTransport(SSLContext sslContext, Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().sslContext(sslContext)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * Sends the request; the whole exchange, body included, ends within twice the timeout. The
     * request timeout alone stops waiting at the response headers, so an answer whose body
     * stalled would otherwise hold the request until the Lambda timeout.
     */
    @Override
    public AwsVerifierConfig.StsReply send(AwsVerifierConfig.StsRequest request) {
        var builder = HttpRequest.newBuilder(URI.create("https://" + request.host() + "/"))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach(builder::header);
        HttpResponse<byte[]> response = await(client.sendAsync(builder.build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        byte[] body = response.body();
        if (body.length > MAX_BODY) {
            throw VendingFailure.permanent("STS answered more than " + MAX_BODY + " bytes", null);
        }
        return new AwsVerifierConfig.StsReply(response.statusCode(), body);
    }

    private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> pending) {
        Duration deadline = timeout.multipliedBy(2);
        try {
            return pending.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw VendingFailure.transientFailure("STS did not answer within " + deadline, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String failed = "STS unreachable: " + cause.getClass().getSimpleName();
            throw cause instanceof IOException ? VendingFailure.transientFailure(failed, null)
                    : VendingFailure.permanent(failed, null);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw VendingFailure.transientFailure("STS call interrupted", null);
        }
    }
}
