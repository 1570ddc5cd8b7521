// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.RestoreAware;
import dev.vend.testsupport.TestCa;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestOidcIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The only way Vend reaches the network: https, no redirects, a size cap, deadlines. */
class HttpsFetcherTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static TestOidcIssuer issuer;

    private HttpsFetcher fetcher;

    @BeforeAll
    static void start() throws Exception {
        issuer = TestOidcIssuer.start("", List.of(TestKeys.ecP256()));
        // The JVM's first HTTPS fetch loads the JDK's HTTP client and TLS classes (the fetcher
        // makes its client lazily); on a busy machine that alone can outlast the second the
        // tests below allow, so it happens here, untimed.
        new HttpsFetcher(issuer.sslContext(), Duration.ofSeconds(30)).get(issuer.jwksUri(), true);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @BeforeEach
    void setUp() {
        issuer.clearFaults();
        issuer.resetCounters();
        fetcher = new HttpsFetcher(issuer.sslContext(), TIMEOUT);
    }

    @Test
    void getWhenIssuerAnswersThenReturnsBody() throws Exception {
        byte[] body = fetcher.get(issuer.jwksUri(), true);

        assertThat(new String(body, StandardCharsets.UTF_8))
                .contains(TestKeys.ecP256().getKeyID());
    }

    @Test
    void getWhenFetchingAgainThenTheClientsPooledConnectionIsReused() throws Exception {
        fetcher.get(issuer.jwksUri(), true);
        fetcher.get(issuer.jwksUri(), true);

        assertThat(issuer.connections()).isEqualTo(1);
        assertThat(fetcher.restoreState()).isEqualTo("jwks and discovery http client held");
    }

    @Test
    void afterRestoreWhenAConnectionWasPooledThenTheNextFetchOpensANewOneAndSucceeds()
            throws Exception {
        fetcher.get(issuer.jwksUri(), true);

        fetcher.afterRestore();
        assertThat(fetcher.restoreState()).isEqualTo(RestoreAware.NOTHING_CAPTURED);
        byte[] body = fetcher.get(issuer.jwksUri(), true);

        assertThat(new String(body, StandardCharsets.UTF_8))
                .contains(TestKeys.ecP256().getKeyID());
        assertThat(issuer.connections()).isEqualTo(2);
    }

    @Test
    void afterRestoreWhenRedirectedThenStillNotFollowed() throws Exception {
        fetcher.get(issuer.jwksUri(), true);
        fetcher.afterRestore();
        issuer.redirect(TestOidcIssuer.Endpoint.JWKS, issuer.discoveryUri().toString());

        assertThat(refused(issuer.jwksUri(), true)).contains("HTTP 302");
        assertThat(issuer.fetches(TestOidcIssuer.Endpoint.DISCOVERY)).isZero();
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void afterRestoreWhenHeadersAreSlowThenTheNewClientStillTimesOut() throws Exception {
        fetcher.get(issuer.jwksUri(), true);
        fetcher.afterRestore();
        issuer.delayResponses(TestOidcIssuer.Endpoint.JWKS, Duration.ofSeconds(3));

        refused(issuer.jwksUri(), true);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "http://localhost/jwks",
        "ftp://localhost/jwks",
        "file:///etc/passwd",
        "https://127.0.0.1/jwks",
        "https://[::1]/jwks",
        "https://169.254.169.254/latest/meta-data/",
        "https://user:pw@localhost/jwks",
        "/relative/jwks",
    })
    void getWhenUriBreaksRulesThenRefusedBeforeConnecting(String uri) {
        refused(URI.create(uri), true);
    }

    @Test
    void getWhenUriCarriesCredentialsThenRefusalNamesOnlySchemeAndHost() {
        String message = refused(URI.create("https://alice:s3cret-pw@localhost/jwks?t=s3cret"),
                true);

        assertThat(message).isEqualTo("https://localhost carries user info")
                .doesNotContain("s3cret").doesNotContain("alice");
        assertThat(refused(URI.create("http://user:s3cret-pw@localhost/jwks"), true))
                .isEqualTo("http://localhost is not an https URL");
    }

    @Test
    void getWhenHostIsPrivateAndNotAllowedThenRefusedBeforeConnecting() {
        String message = refused(issuer.jwksUri(), false);

        assertThat(message).contains("non-public address");
        assertThat(issuer.jwksFetches()).isZero();
    }

    @Test
    void getWhenAnswerIsRedirectThenRefusedWithoutFollowing() {
        issuer.redirect(TestOidcIssuer.Endpoint.JWKS, issuer.discoveryUri().toString());

        refused(issuer.jwksUri(), true);

        assertThat(issuer.discoveryFetches()).isZero();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {201, 204, 304, 404, 500, 503})
    void getWhenStatusIsNot200ThenRefused(int status) {
        issuer.failWithStatus(TestOidcIssuer.Endpoint.JWKS, status);

        assertThat(refused(issuer.jwksUri(), true)).contains("HTTP " + status);
    }

    @Test
    void getWhenBodyLargerThanCapThenRefused() {
        issuer.overrideBody(TestOidcIssuer.Endpoint.JWKS, "x".repeat(HttpsFetcher.MAX_BYTES + 1));

        refused(issuer.jwksUri(), true);
    }

    @Test
    void getWhenBodyExactlyAtCapThenReturned() throws Exception {
        issuer.overrideBody(TestOidcIssuer.Endpoint.JWKS, "x".repeat(HttpsFetcher.MAX_BYTES));

        assertThat(fetcher.get(issuer.jwksUri(), true)).hasSize(HttpsFetcher.MAX_BYTES);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void getWhenHeadersAreSlowThenTimesOut() {
        issuer.delayResponses(TestOidcIssuer.Endpoint.JWKS, Duration.ofSeconds(3));

        refused(issuer.jwksUri(), true);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void getWhenBodyStallsAfterHeadersThenTimesOut() throws Exception {
        // Regression: the timeout covered only the wait for headers; a server that sent headers
        // and then stalled held the fetch, and with it the issuer's key-cache lock, for ever.
        try (var server = new StallingServer()) {
            long start = System.nanoTime();

            refused(server.uri(), true);

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void getWhenServerCertificateIsFromUntrustedCaThenRefused() {
        var otherTrust = new HttpsFetcher(TestCa.create().clientSslContext(), TIMEOUT);

        var thrown = catchThrowableOfType(HttpsFetcher.FetchException.class,
                () -> otherTrust.get(issuer.jwksUri(), true));

        assertThat(thrown).isNotNull();
        assertThat(issuer.jwksFetches()).isZero();
    }

    private String refused(URI uri, boolean allowPrivate) {
        var thrown = catchThrowableOfType(HttpsFetcher.FetchException.class,
                () -> fetcher.get(uri, allowPrivate));
        assertThat(thrown).as("fetch of %s should be refused", uri).isNotNull();
        return thrown.getMessage();
    }

    /** A TLS server that answers every request with headers and the first byte, then stalls. */
    private static final class StallingServer implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread thread;

        StallingServer() throws IOException {
            socket = TestCa.shared().serverSslContext().getServerSocketFactory()
                    .createServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
            thread = new Thread(this::serve, "stalling-server");
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("https://localhost:" + socket.getLocalPort() + "/jwks");
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    readRequestHead(client.getInputStream());
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(30_000);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }

        private static void readRequestHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            int b;
            while (matched < 4 && (b = in.read()) != -1) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            thread.interrupt();
        }
    }
}
