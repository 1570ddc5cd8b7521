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

/**
 * Sends rebuilt requests to {@code https://<signed host>/} with the JVM's trust store, no
 * redirects and short timeouts. The host comes from the allowlist, so no private address is
 * reachable through it. The HTTP client, and with it the JVM's TLS context, is made on the first
 * proof: a deployment that takes no AWS proofs never loads them.
 */
final class HttpsStsTransport implements AwsVerifierConfig.StsTransport {

    private static final int MAX_BODY = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Lazy<HttpClient> client = new Lazy<>(() -> HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build());

    @Override
    public AwsVerifierConfig.StsReply send(AwsVerifierConfig.StsRequest request) {
        var builder = HttpRequest.newBuilder(URI.create("https://" + request.host() + "/"))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
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
}
