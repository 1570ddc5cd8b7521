// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private final AtomicInteger upstreamCalls = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer upstream;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamCalls.incrementAndGet();
            byte[] body = ("{\"echo\":\"" + new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8) + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        proxy = FaultProxy.forHttp(URI.create("http://127.0.0.1:"
                + upstream.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.stop(0);
    }

    @Test
    void requestWhenNoFaultThenForwardedAndCountedByOperation() throws Exception {
        HttpResponse<String> response = send(target("DynamoDB_20120810.Query", "q"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"echo\":\"q\"}");
        assertThat(response.headers().firstValue("connection")).hasValue("close");
        assertThat(proxy.requests("Query")).isEqualTo(1);
        assertThat(upstreamCalls).hasValue(1);
    }

    @Test
    void requestWhenOperationFaultedThenOnlyThatOperationFails() throws Exception {
        proxy.inject("Query", Fault.dynamoDbThrottling("ProvisionedThroughputExceededException"));

        HttpResponse<String> query = send(target("DynamoDB_20120810.Query", "q"));
        HttpResponse<String> put = send(target("DynamoDB_20120810.PutItem", "p"));

        assertThat(query.statusCode()).isEqualTo(400);
        assertThat(query.body()).contains(
                "\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                        + "ProvisionedThroughputExceededException\"");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(upstreamCalls).hasValue(1);
        assertThat(proxy.requests("Query")).isEqualTo(1);
        assertThat(proxy.requests("PutItem")).isEqualTo(1);
    }

    @Test
    void requestWhenFormActionFaultedThenStsThrottlingXml() throws Exception {
        proxy.inject("AssumeRole", Fault.stsThrottling());

        HttpResponse<String> response = send(HttpRequest.newBuilder(proxy.endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("Action=AssumeRole&Version=1")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>Throttling</Code>");
        assertThat(upstreamCalls).hasValue(0);
    }

    @Test
    void requestWhenResetThenClientFailsAndDependencyNeverCalled() {
        proxy.inject(Fault.reset());

        assertThatThrownBy(() -> send(target("TrentService.Sign", "s")))
                .isInstanceOf(IOException.class);
        assertThat(proxy.requests("Sign")).isPositive();
        assertThat(upstreamCalls).hasValue(0);
    }

    @Test
    void requestWhenClientGivesUpDuringDelayThenDroppedNotForwarded() throws Exception {
        proxy.inject(Fault.delay(Duration.ofMillis(600)));

        assertThatThrownBy(() -> send(target("TrentService.Sign", "s")
                .timeout(Duration.ofMillis(150)))).isInstanceOf(HttpTimeoutException.class);
        Thread.sleep(900);

        assertThat(proxy.requests("Sign")).isEqualTo(1);
        assertThat(upstreamCalls).hasValue(0);
    }

    @Test
    void requestWhenDelayShorterThanClientTimeoutThenAnsweredAfterTheDelay() throws Exception {
        proxy.inject(Fault.delay(Duration.ofMillis(300)));
        long start = System.nanoTime();

        HttpResponse<String> response = send(target("TrentService.Sign", "s")
                .timeout(Duration.ofSeconds(5)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(
                Duration.ofMillis(300));
        assertThat(upstreamCalls).hasValue(1);
    }

    @Test
    void requestWhenBodyStallsThenClientGetsHeadersButNoBody() throws Exception {
        proxy.inject(Fault.stallBody(Duration.ofSeconds(5)));

        HttpResponse<InputStream> response = http.send(target("TrentService.Sign", "s")
                .build(), HttpResponse.BodyHandlers.ofInputStream());

        try (var body = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body.read()).isEqualTo('{');
            var rest = CompletableFuture.supplyAsync(() -> {
                try {
                    return body.read();
                } catch (IOException e) {
                    return -2;
                }
            });
            Thread.sleep(300);
            assertThat(rest).isNotDone();
        }
        assertThat(upstreamCalls).hasValue(0);
    }

    @Test
    void requestWhenHealedThenForwardedAgain() throws Exception {
        proxy.inject(Fault.kmsThrottling());
        assertThat(send(target("TrentService.Sign", "s")).statusCode()).isEqualTo(400);

        proxy.heal();

        assertThat(send(target("TrentService.Sign", "s")).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenHttpsProxyInFrontOfIssuerThenJwksPassesAndStatusFaultAnswers()
            throws Exception {
        try (var issuer = TestOidcIssuer.start();
                var tls = FaultProxy.forHttps(issuer.issuerUri(), issuer.ca())) {
            HttpClient client = issuer.httpClient();
            var jwks = HttpRequest.newBuilder(URI.create(tls.endpoint() + "/.well-known/jwks"));

            HttpResponse<String> passed = client.send(jwks.build(),
                    HttpResponse.BodyHandlers.ofString());
            tls.inject("/.well-known/jwks", Fault.httpStatus(429));
            HttpResponse<String> refused = client.send(jwks.build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(passed.statusCode()).isEqualTo(200);
            assertThat(passed.body()).isEqualTo(issuer.publicJwks().toString());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("retry-after")).hasValue("30");
            assertThat(issuer.jwksFetches()).isEqualTo(1);
            assertThat(tls.requests("/.well-known/jwks")).isEqualTo(2);
        }
    }

    private HttpRequest.Builder target(String target, String body) {
        return HttpRequest.newBuilder(proxy.endpoint())
                .header("X-Amz-Target", target)
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
