// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Fetches discovery documents and JWKS over HTTPS, and nothing else: no redirects, a size cap,
 * timeouts, no user info, and no private addresses unless the issuer entry allows them.
 * Thread-safe.
 *
 * <p><strong>Limitation:</strong> every address the host resolves to is checked just before the
 * request, but the JDK client resolves the name again when it connects; a DNS answer that changes
 * in between (rebinding) is not caught. docs/limitations.md says so.
 */
public final class HttpsFetcher {

    /** The largest document read. */
    public static final int MAX_BYTES = 512 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    /**
     * @param sslContext the trust Vend places in issuers' TLS certificates
     * @param timeout connect and response timeout, each
     */
    public HttpsFetcher(SSLContext sslContext, Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder()
                .sslContext(sslContext)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    /** A fetcher trusting the JVM's default certificate authorities. */
    public static HttpsFetcher withDefaultTrust() {
        try {
            return new HttpsFetcher(SSLContext.getDefault(), Duration.ofSeconds(3));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * GETs a document.
     *
     * @throws FetchException with an operator-facing reason on any refusal or failure
     */
    public byte[] get(URI uri, boolean allowPrivateNetwork) throws FetchException {
        checkUri(uri);
        checkAddresses(uri.getHost(), allowPrivateNetwork);
        var request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json").build();
        try {
            HttpResponse<InputStream> response =
                    client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new FetchException(uri + " answered HTTP " + response.statusCode());
                }
                byte[] bytes = body.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new FetchException(uri + " answered more than " + MAX_BYTES + " bytes");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new FetchException(uri + " could not be fetched: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(uri + " fetch interrupted");
        }
    }

    static void checkUri(URI uri) throws FetchException {
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new FetchException(uri + " is not an https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new FetchException(uri + " carries user info");
        }
        if (HostRules.isIpLiteral(uri.getHost())) {
            throw new FetchException(uri + " names an IP address, not a host");
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
