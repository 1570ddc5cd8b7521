// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.Renewable;
import dev.vend.verify.CappedBody;
import dev.vend.verify.VendingFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Sends rebuilt requests to {@code https://<signed host>/} with the JVM's trust store, no
 * redirects and short timeouts ({@link AwsVerifierConfig#STS_TIMEOUT}: 3 s to connect, 3 s for
 * the response headers, 6 s for the whole exchange, body included), or, for the configured
 * endpoint's host, to that endpoint's URL. An answer is read up to {@value #MAX_BODY} bytes and
 * refused as soon as it grows past them, so a huge one is never held in memory whole.
 * It sends only to the hosts it was given (the allowlist the rebuilder checks too), so no other
 * address is reachable through it; the JDK client derives the {@code Host} header from the URL,
 * so the host sent is the host signed. The HTTP client, and with it the JVM's TLS context, is
 * made on the first proof: a deployment that takes no AWS proofs never loads them.
 *
 * <p>The HTTP client keeps its connections to STS open between proofs, so it is forgotten after
 * each SnapStart restore ({@link #afterRestore()}) and the first proof after a restore makes a
 * new one with the same trust, timeouts and redirect rule (field case BUG-26). Thread-safe.
 */
final class HttpsStsTransport implements AwsVerifierConfig.StsTransport {

    /** The largest answer read, in bytes: a {@code GetCallerIdentity} answer is under 1 KiB. */
    static final int MAX_BODY = 64 * 1024;

    private final Set<String> hosts;
    private final AwsVerifierConfig.@Nullable StsEndpoint endpoint;
    private final Duration timeout;
    private final Renewable<HttpClient> client;

    HttpsStsTransport(Set<String> hosts, AwsVerifierConfig.@Nullable StsEndpoint endpoint) {
        this(hosts, endpoint, HttpsStsTransport::defaultContext, AwsVerifierConfig.STS_TIMEOUT);
    }

    /** A transport with its own trust and timeout (tests). */
    HttpsStsTransport(Set<String> hosts, AwsVerifierConfig.@Nullable StsEndpoint endpoint,
            SSLContext sslContext, Duration timeout) {
        this(hosts, endpoint, () -> sslContext, timeout);
    }

    private HttpsStsTransport(Set<String> hosts, AwsVerifierConfig.@Nullable StsEndpoint endpoint,
            Supplier<SSLContext> trust, Duration timeout) {
        this.hosts = Set.copyOf(hosts);
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.client = new Renewable<>("sts proof http client", () -> HttpClient.newBuilder()
                .sslContext(trust.get())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build());
    }

    /** Forgets the HTTP client and its connections; the next proof makes a new client. */
    @Override
    public void afterRestore() {
        client.afterRestore();
    }

    @Override
    public String restoreState() {
        return client.restoreState();
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
        URI target = target(request.host());
        var builder = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        if ("http".equals(target.getScheme())) {
            // A loopback emulator: plain HTTP/1.1, without the client's h2c upgrade attempt.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        request.headers().forEach(builder::header);
        HttpResponse<byte[]> response = await(client.get().sendAsync(builder.build(),
                CappedBody.handler(MAX_BODY)));
        return new AwsVerifierConfig.StsReply(response.statusCode(), response.body());
    }

    private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> pending) {
        Duration deadline = timeout.multipliedBy(2);
        try {
            return pending.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw VendingFailure.transientFailure("STS did not answer within " + deadline, null);
        } catch (ExecutionException e) {
            if (CappedBody.isTooLarge(e)) {
                throw VendingFailure.permanent("STS answered more than " + MAX_BODY + " bytes",
                        null);
            }
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

    /**
     * Where a request signed for this host goes.
     *
     * @throws VendingFailure (permanent) for a host off the allowlist, which the rebuilder
     *     already refuses: reaching here would be Vend's own fault
     */
    URI target(String host) {
        if (!hosts.contains(host)) {
            throw VendingFailure.permanent("refused to send to a host off the STS allowlist",
                    null);
        }
        if (endpoint != null && endpoint.host().equals(host)) {
            return endpoint.url();
        }
        return URI.create("https://" + host + "/");
    }
}
