// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vend.api.lambda.VendLambdaHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local server: a loopback HTTP listener that turns each request into the API Gateway HTTP
 * API event (payload 2.0) Lambda would receive and hands it to {@link VendLambdaHandler}, so the
 * local server and Lambda run exactly the same path, pre-checks included.
 *
 * <p><strong>Limitation:</strong> it speaks plain HTTP on the loopback address and is meant for
 * trying Vend and for tests; production traffic goes through API Gateway and TLS. Requests the
 * JDK's HTTP server itself refuses (a malformed request line or {@code Content-Length}) get its
 * own plain-text answer and no audit record, since they never become an event.
 */
public final class LocalServer implements AutoCloseable {

    /** Bytes read from a request body at most; more is answered as too large by the handler. */
    private static final int MAX_READ = 64 * 1024;
    /** Seconds a client has to send its request, and to read the response. */
    private static final int REQUEST_SECONDS = 10;

    private final HttpServer server;
    private final ExecutorService executor;
    private final VendLambdaHandler handler;

    private LocalServer(HttpServer server, ExecutorService executor, VendLambdaHandler handler) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
    }

    /**
     * Starts listening on 127.0.0.1.
     *
     * @param handler the Lambda handler to call
     * @param port the port, or 0 for any free one
     */
    public static LocalServer start(VendLambdaHandler handler, int port) throws IOException {
        // A client that sends its request slowly is cut off instead of holding a worker.
        System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(REQUEST_SECONDS));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(16);
        var local = new LocalServer(server, executor, handler);
        server.createContext("/", local::serve);
        server.setExecutor(executor);
        server.start();
        return local;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            APIGatewayV2HTTPResponse response = handler.handleRequest(toEvent(exchange),
                    new LocalLambdaContext());
            write(exchange, response);
        }
    }

    private static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange) throws IOException {
        // Methods are case-sensitive (RFC 9110 §9.1): "post" is not POST.
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        byte[] body = readBody(exchange.getRequestBody());
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol(exchange.getProtocol())
                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                .withUserAgent(exchange.getRequestHeaders().getFirst("User-Agent")).build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId("local").withRouteKey("$default")
                .withStage("$default").withDomainName("localhost")
                .withTimeEpoch(Instant.now().toEpochMilli()).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("$default").withRawPath(path)
                .withRawQueryString(query == null ? "" : query)
                .withHeaders(headers(exchange.getRequestHeaders()))
                .withRequestContext(context)
                .withBody(body.length == 0 ? null : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0)
                .build();
    }

    /** Headers as payload 2.0 carries them: lower-case names, repeated values comma-joined. */
    private static Map<String, String> headers(Map<String, List<String>> raw) {
        var headers = new HashMap<String, String>();
        raw.forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        return headers;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        return in.readNBytes(MAX_READ);
    }

    private static void write(HttpExchange exchange, APIGatewayV2HTTPResponse response)
            throws IOException {
        Map<String, String> headers = Objects.requireNonNullElse(response.getHeaders(), Map.of());
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().remove("Content-Length");
        String body = response.getBody();
        byte[] bytes = body == null ? new byte[0] : response.getIsBase64Encoded()
                ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.getStatusCode(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
