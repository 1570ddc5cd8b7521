// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.Renewable;
import dev.vend.RestoreAware;
import dev.vend.parse.RedactedUrl;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Fetches discovery documents and JWKS over HTTPS, and nothing else: no redirects, a size cap,
 * a deadline for the whole fetch, no user info, and no private addresses unless the issuer entry
 * allows them.
 *
 * <p>Its HTTP client, with the client's pool of open connections, is made on the first fetch
 * and forgotten after each SnapStart restore ({@link #afterRestore()}): a pooled connection from
 * the snapshot is dead in the restored environment (field case BUG-26), so the first fetch after
 * a restore makes a new client with the same trust, timeouts and redirect rule. Thread-safe.
 *
 * <p><strong>Limitation:</strong> every address the host resolves to is checked just before the
 * request, but the JDK client resolves the name again when it connects; a DNS answer that changes
 * in between (rebinding) is not caught. The lookup for that check also runs before the deadline
 * starts, so a resolver that does not answer holds the fetch for the resolver's own timeout.
 * docs/limitations.md says both.
 */
public final class HttpsFetcher implements RestoreAware {

    /** The largest document read. */
    public static final int MAX_BYTES = 512 * 1024;
    /**
     * The connect and response timeout of {@link #withDefaultTrust()}: 3 s each, and twice that,
     * 6 s, for a whole fetch.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private final Duration timeout;
    private final Renewable<HttpClient> client;

    /**
     * @param sslContext the trust Vend places in issuers' TLS certificates
     * @param timeout connect and response timeout, each; the whole fetch, body included, gets
     *     twice this
     */
    public HttpsFetcher(SSLContext sslContext, Duration timeout) {
        this(() -> sslContext, timeout);
        Objects.requireNonNull(sslContext, "sslContext");
    }

    private HttpsFetcher(Supplier<SSLContext> trust, Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = new Renewable<>("jwks and discovery http client",
                () -> HttpClient.newBuilder()
                        .sslContext(trust.get())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(timeout)
                        .build());
    }

    /**
     * A fetcher trusting the JVM's default certificate authorities. The TLS context and the HTTP
     * client are made on the first fetch: loading the trust store costs a cold start about
     * 150 ms, which a deployment whose issuers all have static key files never needs.
     */
    public static HttpsFetcher withDefaultTrust() {
        return new HttpsFetcher(HttpsFetcher::defaultTrust, DEFAULT_TIMEOUT);
    }

    /** Forgets the HTTP client and its connections; the next fetch makes a new client. */
    @Override
    public void afterRestore() {
        client.afterRestore();
    }

    @Override
    public String restoreState() {
        return client.restoreState();
    }

    private static SSLContext defaultTrust() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * GETs a document. The whole fetch, body included, must finish within twice the timeout:
     * the request timeout alone stops waiting at the response headers, so a server that sent
     * headers and then stalled would otherwise hold the caller (and the key cache's lock) for
     * ever.
     *
     * @throws FetchException with an operator-facing reason on any refusal or failure
     */
    public byte[] get(URI uri, boolean allowPrivateNetwork) throws FetchException {
        checkUri(uri);
        checkAddresses(uri.getHost(), allowPrivateNetwork);
        var request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json").build();
        HttpResponse<byte[]> response = await(uri,
                client.get().sendAsync(request, CappedBody.handler(MAX_BYTES)));
        if (response.statusCode() != 200) {
            throw new FetchException(uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private HttpResponse<byte[]> await(URI uri, CompletableFuture<HttpResponse<byte[]>> pending)
            throws FetchException {
        Duration deadline = timeout.multipliedBy(2);
        try {
            return pending.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new FetchException(uri + " did not answer within " + deadline);
        } catch (ExecutionException e) {
            if (CappedBody.isTooLarge(e)) {
                throw new FetchException(uri + " answered more than " + MAX_BYTES + " bytes");
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new FetchException(uri + " could not be fetched: "
                    + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException(uri + " fetch interrupted");
        }
    }

    /**
     * Refuses a URL Vend must not fetch. The message names at most the URL's scheme and host: a
     * refused URL may carry credentials, and the message reaches logs and start errors.
     */
    static void checkUri(URI uri) throws FetchException {
        String named = RedactedUrl.schemeAndHost(uri.toString()).orElse("the URL");
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new FetchException(named + " is not an https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new FetchException(named + " carries user info");
        }
        if (HostRules.isIpLiteral(uri.getHost())) {
            throw new FetchException(named + " names an IP address, not a host");
        }
    }

    private static void checkAddresses(String host, boolean allowPrivate) throws FetchException {
        if (allowPrivate) {
            return;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (HostRules.isNonPublic(address)) {
                    throw new FetchException(host + " resolves to a non-public address");
                }
            }
        } catch (UnknownHostException e) {
            throw new FetchException(host + " does not resolve");
        }
    }

    /** A fetch was refused or failed; the message is for operators. */
    public static final class FetchException extends Exception {
        private static final long serialVersionUID = 1L;

        public FetchException(String message) {
            super(message, null, false, false);
        }
    }
}
