// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java client against a scripted token endpoint on loopback. */
class VendClientTest {

    private static final String OK = "{\"access_token\":\"vend-%d\",\"issued_token_type\":"
            + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\","
            + "\"expires_in\":300}";
    private static final String UNAVAILABLE = "{\"error\":\"temporarily_unavailable\","
            + "\"error_description\":\"The service is temporarily unavailable.\","
            + "\"request_id\":\"0123456789abcdef0123456789abcdef\"}";
    private static final String REFUSED = "{\"error\":\"invalid_request\","
            + "\"error_description\":\"The subject token was not accepted.\","
            + "\"request_id\":\"fedcba9876543210fedcba9876543210\"}";

    private final Deque<int[]> script = new ArrayDeque<>();
    private final List<String> receivedProofs = new ArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final List<Duration> sleeps = new ArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.startsWith("subject_token=")) {
                    receivedProofs.add(URLDecoder.decode(pair.substring(14),
                            StandardCharsets.UTF_8));
                }
            }
            int status = script.isEmpty() ? 200 : script.poll()[0];
            String body = switch (status) {
                case 200 -> OK.formatted(issued.incrementAndGet());
                case 503 -> UNAVAILABLE;
                case 500 -> "{\"error\":\"server_error\",\"error_description\":\"x\"}";
                default -> REFUSED;
            };
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void tokenWhenVendUnavailableTwiceThenRetriesWithAFreshProofEachTime() {
        script.add(new int[] {503});
        script.add(new int[] {503});

        String token = client(Clock.systemUTC(), 4).token();

        assertThat(token).isEqualTo("vend-1");
        assertThat(receivedProofs).containsExactly("proof-1", "proof-2", "proof-3");
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(1)).isGreaterThanOrEqualTo(sleeps.get(0).dividedBy(2));
    }

    @Test
    void tokenWhenCachedThenReusedUntilHalfItsLifetime() {
        var clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        VendClient client = client(clock, 1);

        String first = client.token();
        clock.advance(Duration.ofSeconds(149));
        String cached = client.token();
        clock.advance(Duration.ofSeconds(1));
        String refreshed = client.token();

        assertThat(first).isEqualTo(cached).isEqualTo("vend-1");
        assertThat(refreshed).isEqualTo("vend-2");
    }

    @Test
    void tokenWhenRefusedThenTypedErrorWithoutRetry() {
        script.add(new int[] {400});

        assertThatThrownBy(() -> client(Clock.systemUTC(), 4).token())
                .isInstanceOf(VendException.Refused.class)
                .satisfies(e -> {
                    var refused = (VendException.Refused) e;
                    assertThat(refused.error()).isEqualTo("invalid_request");
                    assertThat(refused.requestId()).isEqualTo("fedcba9876543210fedcba9876543210");
                    assertThat(refused.getMessage()).doesNotContain("proof-1");
                });
        assertThat(receivedProofs).hasSize(1);
    }

    @Test
    void tokenWhenStillUnavailableAfterEveryAttemptThenUnavailable() {
        script.add(new int[] {503});
        script.add(new int[] {503});

        assertThatThrownBy(() -> client(Clock.systemUTC(), 2).token())
                .isInstanceOf(VendException.Unavailable.class);
        assertThat(receivedProofs).hasSize(2);
    }

    @Test
    void tokenWhenServerErrorThenServerErrorWithoutRetry() {
        script.add(new int[] {500});

        assertThatThrownBy(() -> client(Clock.systemUTC(), 4).token())
                .isInstanceOf(VendException.ServerError.class);
        assertThat(receivedProofs).hasSize(1);
    }

    @Test
    void tokenWhenVendUnreachableThenUnavailable() {
        server.stop(0);

        assertThatThrownBy(() -> client(Clock.systemUTC(), 2).token())
                .isInstanceOf(VendException.Unavailable.class)
                .extracting(e -> ((VendException) e).error()).isEqualTo("unreachable");
    }

    private VendClient client(Clock clock, int attempts) {
        var counter = new AtomicInteger();
        return VendClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .proofs(() -> Proof.jwt("proof-" + counter.incrementAndGet()))
                .audience("https://api.example.com")
                .clock(clock)
                .maxAttempts(attempts)
                .backoff(Duration.ofMillis(100), sleeps::add)
                .build();
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
