// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.cloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loopback fakes for the cloud sample scripts: a fake Vend ({@code POST /challenge} hands out
 * {@link #CHALLENGE}, {@code POST /token} records its form and issues {@link #ACCESS_TOKEN}, or
 * answers {@code requested_token_type} aws-credentials with a credential_process document), and
 * a metadata server whose handlers each test registers. Every request is recorded.
 */
final class CloudFakes implements AutoCloseable {

    /** The fixed challenge: 32 characters of {@code [a-z0-9]}. */
    static final String CHALLENGE = "k3v9q2m7x1c8b4n6z0l5p9r2t7w3y8h1";
    static final String ACCESS_TOKEN = "vend-access-token-from-the-fake";
    static final String AWS_CREDENTIALS = "urn:vend:params:oauth:token-type:aws-credentials";
    static final String VENDED_SESSION_TOKEN = "vended-session-token";

    /** A request as received; the query decoded. */
    record Received(String method, String path, Map<String, String> query,
            Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer vend;
    private final HttpServer metadata;
    final List<Received> vendRequests = Collections.synchronizedList(new ArrayList<>());
    final List<Received> metadataRequests = Collections.synchronizedList(new ArrayList<>());

    CloudFakes() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        vend = HttpServer.create(loopback, 0);
        vend.createContext("/", this::vend);
        vend.start();
        metadata = HttpServer.create(loopback, 0);
        metadata.start();
    }

    String vendUrl() {
        return "http://127.0.0.1:" + vend.getAddress().getPort();
    }

    String metadataUrl() {
        return "http://127.0.0.1:" + metadata.getAddress().getPort();
    }

    /** Serves {@code path} on the fake metadata server; every request there is recorded. */
    void metadata(String path, HttpHandler handler) {
        metadata.createContext(path, exchange -> {
            try (exchange) {
                metadataRequests.add(read(exchange));
                handler.handle(exchange);
            }
        });
    }

    /** The form of the one {@code POST /token}. */
    Map<String, String> tokenForm() {
        List<Map<String, String>> forms = tokenForms();
        if (forms.size() != 1) {
            throw new AssertionError("expected one POST /token, got " + forms.size());
        }
        return forms.get(0);
    }

    /** The forms of every {@code POST /token}, oldest first. */
    List<Map<String, String>> tokenForms() {
        synchronized (vendRequests) {
            return vendRequests.stream().filter(request -> request.path().equals("/token"))
                    .map(request -> decode(request.body())).toList();
        }
    }

    private void vend(HttpExchange exchange) throws IOException {
        try (exchange) {
            Received request = read(exchange);
            vendRequests.add(request);
            String contentType = String.valueOf(request.header("Content-Type"));
            if (request.path().equals("/challenge")
                    && (!request.body().isEmpty() || contentType.contains("form-urlencoded"))) {
                // As vend serve answers a form-encoded POST /challenge: it takes no body.
                send(exchange, 400, "{\"error\":\"invalid_request\"}");
            } else if (request.method().equals("POST") && request.path().equals("/challenge")) {
                send(exchange, 200, "{\"challenge\":\"" + CHALLENGE + "\",\"expires_in\":300}");
            } else if (request.method().equals("POST") && request.path().equals("/token")
                    && AWS_CREDENTIALS.equals(decode(request.body()).get("requested_token_type"))) {
                send(exchange, 200, "{\"access_token\":\"" + VENDED_SESSION_TOKEN + "\","
                        + "\"issued_token_type\":\"" + AWS_CREDENTIALS + "\","
                        + "\"token_type\":\"N_A\",\"expires_in\":3600,\"Version\":1,"
                        + "\"AccessKeyId\":\"ASIAVENDEDTEST000001\","
                        + "\"SecretAccessKey\":\"vended-secret\","
                        + "\"SessionToken\":\"" + VENDED_SESSION_TOKEN + "\","
                        + "\"Expiration\":\"" + Instant.now().plusSeconds(3600)
                                .truncatedTo(ChronoUnit.SECONDS) + "\"}");
            } else if (request.method().equals("POST") && request.path().equals("/token")) {
                send(exchange, 200, "{\"access_token\":\"" + ACCESS_TOKEN + "\","
                        + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                        + "\"token_type\":\"Bearer\",\"expires_in\":600}");
            } else {
                send(exchange, 404, "{\"error\":\"invalid_request\"}");
            }
        }
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Received read(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        return new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                rawQuery == null ? Map.of() : decode(rawQuery), headers, body);
    }

    /** Decodes a form or query; a repeated name is an error here (the scripts send none). */
    static Map<String, String> decode(String form) {
        var out = new LinkedHashMap<String, String>();
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                    StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
                    StandardCharsets.UTF_8);
            if (out.put(name, value) != null) {
                throw new AssertionError("repeated parameter " + name);
            }
        }
        return out;
    }

    @Override
    public void close() {
        vend.stop(0);
        metadata.stop(0);
    }
}
