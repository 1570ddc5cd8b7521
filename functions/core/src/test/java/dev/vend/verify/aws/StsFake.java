// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vend.testsupport.TestAwsPrincipal;
import dev.vend.testsupport.TestSigV4;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of STS's query API on {@code com.sun.net.httpserver}, answering
 * {@code GetCallerIdentity} only, and only to a request whose SigV4 signature verifies with the
 * secret of a known test access key, signed within 15 minutes of its clock, for the host it was
 * sent with: as real STS refuses, it refuses anything else with 403 and an error document. Every
 * request it received is kept for assertions.
 */
final class StsFake implements AutoCloseable {

    /** A request as received. */
    record Received(String method, String target, Map<String, String> headers, String body) {
    }

    private static final Pattern AUTH = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/"
            + "([0-9]{8}/[a-z0-9-]+/sts/aws4_request), ?SignedHeaders=([a-z0-9;-]+), ?"
            + "Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final HttpServer server;
    private final Clock clock;
    private final Map<String, TestAwsPrincipal> principals = new ConcurrentHashMap<>();
    final List<Received> received = new ArrayList<>();
    volatile int forcedStatus;

    StsFake(Clock clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    void add(TestAwsPrincipal principal) {
        principals.put(principal.accessKey(), principal);
    }

    /** A transport that sends to this fake with the signed host in {@code Host}. */
    AwsVerifierConfig.StsTransport transport() {
        return request -> {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(),
                    server.getAddress().getPort())) {
                byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
                var head = new StringBuilder("POST / HTTP/1.1\r\nHost: " + request.host() + "\r\n");
                request.headers().forEach((name, value) ->
                        head.append(name).append(": ").append(value).append("\r\n"));
                head.append("Content-Length: ").append(body.length)
                        .append("\r\nConnection: close\r\n\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
                return readReply(socket.getInputStream());
            } catch (IOException e) {
                throw new IllegalStateException("fake STS unreachable", e);
            }
        };
    }

    private static AwsVerifierConfig.StsReply readReply(InputStream in) throws IOException {
        String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int status = Integer.parseInt(all.substring(9, 12));
        int split = all.indexOf("\r\n\r\n");
        String head = all.substring(0, split).toLowerCase(Locale.ROOT);
        String body = all.substring(split + 4);
        if (head.contains("transfer-encoding: chunked")) {
            body = unchunk(body);
        }
        return new AwsVerifierConfig.StsReply(status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String unchunk(String chunked) {
        var out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, String>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        synchronized (received) {
            received.add(new Received(exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(), headers, body));
        }
        if (forcedStatus != 0) {
            reply(exchange, forcedStatus, "<ErrorResponse/>");
            return;
        }
        String refusal = refusal(exchange, headers, body);
        if (refusal != null) {
            reply(exchange, 403, "<ErrorResponse xmlns=\"" + CallerIdentity.NAMESPACE + "\">"
                    + "<Error><Type>Sender</Type><Code>" + refusal + "</Code></Error>"
                    + "</ErrorResponse>");
            return;
        }
        TestAwsPrincipal who = principals.get(accessKey(headers));
        reply(exchange, 200, who.callerIdentityResponse());
    }

    private String refusal(HttpExchange exchange, Map<String, String> headers, String body) {
        if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(
                exchange.getRequestURI().toString())
                || !"Action=GetCallerIdentity&Version=2011-06-15".equals(body)) {
            return "InvalidAction";
        }
        Matcher auth = AUTH.matcher(headers.getOrDefault("authorization", ""));
        if (!auth.matches()) {
            return "IncompleteSignature";
        }
        TestAwsPrincipal who = principals.get(auth.group(1));
        if (who == null) {
            return "InvalidClientTokenId";
        }
        if (!who.sessionToken().isEmpty()
                && !who.sessionToken().equals(headers.get("x-amz-security-token"))) {
            return "InvalidClientTokenId";
        }
        String date = headers.getOrDefault("x-amz-date", "");
        Instant signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
        if (Duration.between(signedAt, clock.instant()).abs().compareTo(Duration.ofMinutes(15))
                > 0) {
            return "SignatureDoesNotMatch";
        }
        var signed = new LinkedHashMap<String, String>();
        for (String name : auth.group(3).split(";")) {
            if (!headers.containsKey(name)) {
                return "SignatureDoesNotMatch";
            }
            signed.put(name, headers.get(name));
        }
        String expected = TestSigV4.signature(who.secret(), date, auth.group(2), signed, body);
        return expected.equals(auth.group(4)) ? null : "SignatureDoesNotMatch";
    }

    private static String accessKey(Map<String, String> headers) {
        Matcher auth = AUTH.matcher(headers.get("authorization"));
        return auth.matches() ? auth.group(1) : "";
    }

    private static void reply(HttpExchange exchange, int status, String xml) throws IOException {
        reply(exchange, status, xml.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange exchange, int status, byte[] bytes)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
