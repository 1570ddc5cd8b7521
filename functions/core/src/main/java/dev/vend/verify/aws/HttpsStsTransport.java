// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.Lazy;
import dev.vend.verify.VendingFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Sends rebuilt requests to {@code https://<signed host>/} with the JVM's trust store, no
 * redirects and short timeouts, or, for the configured endpoint's host, to that endpoint's URL.
 * It sends only to the hosts it was given (the allowlist the rebuilder checks too), so no other
 * address is reachable through it; the JDK client derives the {@code Host} header from the URL,
 * so the host sent is the host signed. The HTTP client, and with it the JVM's TLS context, is
 * made on the first proof: a deployment that takes no AWS proofs never loads them.
 */
final class HttpsStsTransport implements AwsVerifierConfig.StsTransport {

    private static final int MAX_BODY = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Set<String> hosts;
    private final AwsVerifierConfig.@Nullable StsEndpoint endpoint;
    private final Lazy<HttpClient> client = new Lazy<>(() -> HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build());

    HttpsStsTransport(Set<String> hosts, AwsVerifierConfig.@Nullable StsEndpoint endpoint) {
        this.hosts = Set.copyOf(hosts);
        this.endpoint = endpoint;
    }

    @Override
    public AwsVerifierConfig.StsReply send(AwsVerifierConfig.StsRequest request) {
        URI target = target(request.host());
        var builder = HttpRequest.newBuilder(target)
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        if ("http".equals(target.getScheme())) {
            // A loopback emulator: plain HTTP/1.1, without the client's h2c upgrade attempt.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        request.headers().forEach(builder::header);
        try {
            HttpResponse<byte[]> response = client.get().send(builder.build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = response.body();
            if (body.length > MAX_BODY) {
                throw VendingFailure.permanent("STS answered more than " + MAX_BODY + " bytes",
                        null);
            }
            return new AwsVerifierConfig.StsReply(response.statusCode(), body);
        } catch (IOException e) {
            throw VendingFailure.transientFailure("STS unreachable: "
                    + e.getClass().getSimpleName(), null);
        } catch (InterruptedException e) {
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
