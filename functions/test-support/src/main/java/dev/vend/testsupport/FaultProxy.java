// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A loopback HTTP/1.1 proxy that puts faults between the code under test and one dependency:
 * point the client's endpoint at {@link #endpoint()} instead of the dependency's, then
 * {@link #inject} a {@link Fault} for every request or for one operation, and {@link #heal()}.
 *
 * <p>Each request is read whole (head and {@code Content-Length} body) before its fault is
 * chosen, so faults can be per operation: the {@code X-Amz-Target} operation (DynamoDB, KMS: the
 * part after the dot, e.g. {@code Query}, {@code PutItem}, {@code Sign}), else the
 * {@code Action} of a form body (STS, e.g. {@code AssumeRole}), else the request path (e.g.
 * {@code /.well-known/jwks}). Passed requests go to the dependency on a fresh connection with
 * {@code Connection: close}, and every answer closes the client's connection, so a fault
 * injected between two requests applies to the second whatever the client pools.
 *
 * <p>{@link #forHttps} terminates TLS with a {@link TestCa}'s server certificate (for
 * {@code localhost}) and forwards over TLS trusting the same CA, for HTTPS dependencies such as
 * a {@link TestOidcIssuer}. Requests with a chunked body are not supported.
 *
 * <p>Thread-safe: each connection is served on its own daemon thread; faults may change while
 * requests are in flight.
 */
public final class FaultProxy implements AutoCloseable {

    private static final String EVERY_OPERATION = "*";
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int IO_TIMEOUT_MS = 30_000;
    private static final int POLL_MS = 20;
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
            "proxy-connection");

    private final URI upstream;
    private final @Nullable TestCa ca;
    private final ServerSocket server;
    private final ExecutorService executor;
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private FaultProxy(URI upstream, @Nullable TestCa ca) throws IOException {
        this.upstream = upstream;
        this.ca = ca;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        this.server = ca == null ? new ServerSocket(0, 50, loopback) : ca.serverSslContext()
                .getServerSocketFactory().createServerSocket(0, 50, loopback);
        this.executor = Executors.newCachedThreadPool(runnable -> {
            var thread = new Thread(runnable, "fault-proxy-" + server.getLocalPort());
            thread.setDaemon(true);
            return thread;
        });
        executor.execute(this::acceptLoop);
    }

    /** A proxy on {@code http://127.0.0.1:<port>} in front of a plain HTTP dependency. */
    public static FaultProxy forHttp(URI upstream) {
        return start(upstream, null);
    }

    /**
     * A proxy on {@code https://localhost:<port>} presenting the CA's server certificate, in
     * front of an HTTPS dependency whose certificate the same CA issued.
     */
    public static FaultProxy forHttps(URI upstream, TestCa ca) {
        return start(upstream, Objects.requireNonNull(ca, "ca"));
    }

    private static FaultProxy start(URI upstream, @Nullable TestCa ca) {
        Objects.requireNonNull(upstream, "upstream");
        try {
            return new FaultProxy(upstream, ca);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fault proxy", e);
        }
    }

    /** Where clients connect instead of the dependency. */
    public URI endpoint() {
        return URI.create((ca == null ? "http://127.0.0.1:" : "https://localhost:")
                + server.getLocalPort());
    }

    /** Applies the fault to every request (an operation's own fault still wins). */
    public void inject(Fault fault) {
        faults.put(EVERY_OPERATION, Objects.requireNonNull(fault, "fault"));
    }

    /** Applies the fault to requests of one operation, e.g. {@code Query} or {@code Sign}. */
    public void inject(String operation, Fault fault) {
        faults.put(Objects.requireNonNull(operation, "operation"),
                Objects.requireNonNull(fault, "fault"));
    }

    /** Removes every fault: all requests pass. Counters stay. */
    public void heal() {
        faults.clear();
    }

    /** Requests of the operation that arrived, whatever fault met them. */
    public int requests(String operation) {
        AtomicInteger count = requests.get(operation);
        return count == null ? 0 : count.get();
    }

    /** Requests that arrived, of every operation. */
    public int requests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Stops listening and drops every open connection. Idempotent. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Closing a listening socket twice is harmless.
        }
        open.forEach(FaultProxy::closeQuietly);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + endpoint() + " -> " + upstream + "]";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                executor.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(IO_TIMEOUT_MS);
            Request request = Request.read(client.getInputStream());
            if (request == null) {
                return;
            }
            requests.computeIfAbsent(request.operation(), k -> new AtomicInteger())
                    .incrementAndGet();
            apply(faultFor(request.operation()), client, request);
        } catch (IOException e) {
            // The client or the dependency went away; there is nobody left to answer.
        } finally {
            open.remove(client);
        }
    }

    private Fault faultFor(String operation) {
        Fault fault = faults.get(operation);
        if (fault == null) {
            fault = faults.get(EVERY_OPERATION);
        }
        return fault == null ? Fault.pass() : fault;
    }

    private void apply(Fault fault, Socket client, Request request) throws IOException {
        switch (fault.kind()) {
            case RESET -> client.setSoLinger(true, 0);
            case ANSWER -> write(client, fault.response());
            case STALL -> {
                write(client, fault.response());
                heldWhileClientWaits(client, fault.delay());
            }
            case DELAY -> {
                if (heldWhileClientWaits(client, fault.delay())) {
                    write(client, forward(request));
                }
            }
            case PASS -> write(client, forward(request));
        }
    }

    /** Waits out the delay; false as soon as the client closes its end (it gave up). */
    private static boolean heldWhileClientWaits(Socket client, Duration delay)
            throws IOException {
        long end = System.nanoTime() + delay.toNanos();
        client.setSoTimeout(POLL_MS);
        InputStream in = client.getInputStream();
        while (System.nanoTime() < end) {
            try {
                if (in.read() < 0) {
                    return false;
                }
            } catch (SocketTimeoutException stillWaiting) {
                // The client is still connected and waiting for the answer.
            } catch (IOException gone) {
                return false;
            }
        }
        client.setSoTimeout(IO_TIMEOUT_MS);
        return true;
    }

    private byte[] forward(Request request) throws IOException {
        try (Socket socket = connectUpstream()) {
            socket.setSoTimeout(IO_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(request.headWithConnectionClose());
            out.write(request.body());
            out.flush();
            return withConnectionClose(socket.getInputStream().readAllBytes());
        }
    }

    private Socket connectUpstream() throws IOException {
        int port = upstream.getPort() != -1 ? upstream.getPort()
                : "https".equals(upstream.getScheme()) ? 443 : 80;
        if (ca == null) {
            var socket = new Socket();
            socket.connect(new InetSocketAddress(upstream.getHost(), port), IO_TIMEOUT_MS);
            return socket;
        }
        return ca.clientSslContext().getSocketFactory().createSocket(upstream.getHost(), port);
    }

    private static void write(Socket client, byte[] response) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(response);
        out.flush();
    }

    /** The dependency's whole response with its connection headers replaced by a close. */
    private static byte[] withConnectionClose(byte[] response) {
        int end = headEnd(response, response.length);
        if (end < 0) {
            return response;
        }
        String head = new String(response, 0, end, StandardCharsets.ISO_8859_1);
        byte[] newHead = rewriteHead(head).getBytes(StandardCharsets.ISO_8859_1);
        var out = new ByteArrayOutputStream(response.length + 32);
        out.write(newHead, 0, newHead.length);
        out.write(response, end, response.length - end);
        return out.toByteArray();
    }

    /** The head (without its blank line) minus hop-by-hop headers, plus a connection close. */
    private static String rewriteHead(String head) {
        var lines = new ArrayList<String>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            boolean hopByHop = colon > 0 && !lines.isEmpty() && HOP_BY_HOP.contains(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT));
            if (!line.isEmpty() && !hopByHop) {
                lines.add(line);
            }
        }
        lines.add("Connection: close");
        return String.join("\r\n", lines) + "\r\n";
    }

    /** Where the blank line after the head starts, or -1. */
    private static int headEnd(byte[] bytes, int length) {
        for (int i = 0; i + 3 < length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r'
                    && bytes[i + 3] == '\n') {
                return i + 2;
            }
        }
        return -1;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    /** One request as read from the client: head lines and body. */
    private record Request(List<String> head, byte[] body) {

        /** The next request on the stream, or null if the client closed it first. */
        static @Nullable Request read(InputStream in) throws IOException {
            byte[] head = readHead(in);
            if (head == null) {
                return null;
            }
            List<String> lines = List.of(
                    new String(head, StandardCharsets.ISO_8859_1).split("\r\n"));
            String length = header(lines, "content-length");
            if (header(lines, "transfer-encoding") != null) {
                throw new IOException("chunked request bodies are not supported");
            }
            byte[] body = length == null ? new byte[0]
                    : in.readNBytes(Integer.parseInt(length.trim()));
            return new Request(lines, body);
        }

        private static byte @Nullable [] readHead(InputStream in) throws IOException {
            var head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int next = in.read();
                if (next < 0) {
                    return null;
                }
                head.write(next);
                boolean expected = next == (matched % 2 == 0 ? '\r' : '\n');
                matched = expected ? matched + 1 : next == '\r' ? 1 : 0;
                if (head.size() > MAX_HEAD_BYTES) {
                    throw new IOException("request head too large");
                }
            }
            byte[] bytes = head.toByteArray();
            return Arrays.copyOf(bytes, bytes.length - 4);
        }

        private static @Nullable String header(List<String> lines, String name) {
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        /** The X-Amz-Target operation, else the form's Action, else the path. */
        String operation() {
            String target = header(head, "x-amz-target");
            if (target != null) {
                return target.substring(target.lastIndexOf('.') + 1);
            }
            String action = formAction();
            if (action != null) {
                return action;
            }
            String[] requestLine = head.get(0).split(" ");
            String path = requestLine.length > 1 ? requestLine[1] : "/";
            int query = path.indexOf('?');
            return query < 0 ? path : path.substring(0, query);
        }

        private @Nullable String formAction() {
            String type = header(head, "content-type");
            if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
                return null;
            }
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                if (pair.startsWith("Action=")) {
                    return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        byte[] headWithConnectionClose() {
            return rewriteHead(String.join("\r\n", head)).concat("\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
