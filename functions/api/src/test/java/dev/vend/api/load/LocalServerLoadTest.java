// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.api.local.LocalServer;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import io.micronaut.context.ApplicationContext;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent token exchanges against the local server on 127.0.0.1, bounded in time and count:
 * {@value #DEFAULT_CLIENTS} clients each exchange freshly minted single-use tokens until the time
 * is up ({@code -Dvend.load.seconds}, default {@value #DEFAULT_SECONDS} s; 180 for the long run in
 * docs/performance.md) or {@code -Dvend.load.max-requests} have been sent. Asserts no error and
 * exactly one audit event per request; reports requests per second, latency and the heap after
 * collection at start and end (reported, not asserted).
 */
class LocalServerLoadTest {

    private static final int DEFAULT_CLIENTS = 8;
    private static final int DEFAULT_SECONDS = 10;
    private static final int SECONDS = Integer.getInteger("vend.load.seconds", DEFAULT_SECONDS);
    private static final int CLIENTS = Integer.getInteger("vend.load.clients", DEFAULT_CLIENTS);
    private static final long MAX_REQUESTS = Long.getLong("vend.load.max-requests", 500_000);
    private static final String ISSUER = "https://ci.example.test";
    private static final String VEND_URL = "http://localhost:8080";
    private static final ECKey ISSUER_KEY = TestKeys.ecP256(6);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final CountingAuditLog audit = new CountingAuditLog();
    private final AtomicLong sent = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    /** Exchanges completed in each second of the run, to show whether throughput holds. */
    private final AtomicLongArray perSecond = new AtomicLongArray(SECONDS + 90);
    /**
     * The process's CPU time at each second of the run: CPU per exchange stays flat when a fall
     * in throughput comes from other processes taking the shared CPUs, and grows when Vend slows.
     */
    private final AtomicLongArray cpuAtSecond = new AtomicLongArray(SECONDS + 90);
    private volatile long started;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void exchangeWhenClientsRunConcurrentlyThenNoErrorsAndOneAuditEventPerRequest()
            throws Exception {
        try (var context = context(); var server = LocalServer.start(
                new VendLambdaHandler(context), 0)) {
            URI token = URI.create("http://127.0.0.1:" + server.port() + "/token");
            HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
            exchange(http, token, new long[1], 0);
            long warmUp = sent.get();
            long heapAtStart = heapAfterGc();
            started = System.nanoTime();

            ScheduledExecutorService sampler = sampleCpuEverySecond();
            long deadline = started + TimeUnit.SECONDS.toNanos(SECONDS);
            long[][] latencies = runClients(http, token, deadline);
            sampler.shutdownNow();

            double elapsed = (System.nanoTime() - started) / 1e9;
            long heapAtEnd = heapAfterGc();
            report(latencies, elapsed, heapAtStart, heapAtEnd);
            assertThat(sent.get() - warmUp).isEqualTo(Arrays.stream(latencies)
                    .mapToLong(client -> client.length).sum());
            assertThat(errors).as("errors (first shown)").isEmpty();
            assertThat(audit.events()).isEqualTo(sent.get());
            assertThat(audit.allowed()).isEqualTo(sent.get());
        }
    }

    private long[][] runClients(HttpClient http, URI token, long deadline) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                results.add(clients.submit(() -> client(http, token, deadline)));
            }
            long[][] latencies = new long[CLIENTS][];
            for (int c = 0; c < CLIENTS; c++) {
                latencies[c] = results.get(c).get(SECONDS + 60L, TimeUnit.SECONDS);
            }
            return latencies;
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * One client: exchanges until the deadline or the request cap (a safety bound the clients
     * together may pass by at most one request each); returns its latencies.
     */
    private long[] client(HttpClient http, URI token, long deadline) {
        long[] latencies = new long[1024];
        int count = 0;
        while (System.nanoTime() < deadline && errors.size() < 10 && sent.get() < MAX_REQUESTS) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            exchange(http, token, latencies, count++);
        }
        return Arrays.copyOf(latencies, count);
    }

    private void exchange(HttpClient http, URI token, long[] latencies, int slot) {
        String proof = TestTokens.signedWith(ISSUER_KEY).issuer(ISSUER).subject("workload-7")
                .audience(VEND_URL).claim("repository", "acme/app").sign();
        HttpRequest request = HttpRequest.newBuilder(token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(form(proof))).build();
        sent.incrementAndGet();
        long begin = System.nanoTime();
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime();
            latencies[slot] = end - begin;
            if (started > 0) {
                perSecond.incrementAndGet((int) TimeUnit.NANOSECONDS.toSeconds(end - started));
            }
            if (response.statusCode() != 200 || !response.body().contains("\"access_token\"")) {
                errors.add(response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            latencies[slot] = System.nanoTime() - begin;
            errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void report(long[][] latencies, double elapsed, long heapAtStart, long heapAtEnd) {
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("load: %d clients, %.1f s, %d requests, %.0f requests/s, latency ms "
                        + "p50 %.2f p99 %.2f max %.2f; audit events %d (%d allow, %d KiB JSON); "
                        + "heap after GC start %.1f MiB, end %.1f MiB; requests/s in the first "
                        + "and last %d s: %.0f, %.0f; in each %d s: %s (CPU ms per request: %s)%n",
                CLIENTS, elapsed, all.length, all.length / elapsed, percentile(all, 50),
                percentile(all, 99), all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                audit.events(), audit.allowed(), audit.bytes() / 1024,
                heapAtStart / 1048576.0, heapAtEnd / 1048576.0, window(), rate(0),
                rate(Math.max(0, SECONDS - window())), window(), rates(), cpuPerRequest());
    }

    private ScheduledExecutorService sampleCpuEverySecond() {
        var cpu = (com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            int second = (int) Math.round((System.nanoTime() - started) / 1e9);
            if (second < cpuAtSecond.length()) {
                cpuAtSecond.set(second, cpu.getProcessCpuTime());
            }
        }, 0, 1, TimeUnit.SECONDS);
        return sampler;
    }

    /** Process CPU milliseconds per exchange in every window, where both ends were sampled. */
    private String cpuPerRequest() {
        var out = new StringBuilder();
        for (int from = 0; from + window() <= SECONDS; from += window()) {
            long begin = cpuAtSecond.get(from);
            long end = cpuAtSecond.get(from + window());
            double requests = rate(from) * window();
            String value = begin == 0 || end == 0 || requests == 0 ? "?"
                    : "%.1f".formatted((end - begin) / 1e6 / requests);
            out.append(out.length() == 0 ? "" : " ").append(value);
        }
        return out.toString();
    }

    /** The rate of every window of the run, in order, so a decline shows where it happens. */
    private String rates() {
        var out = new StringBuilder();
        for (int from = 0; from + window() <= SECONDS; from += window()) {
            out.append(out.length() == 0 ? "" : " ").append(Math.round(rate(from)));
        }
        return out.toString();
    }

    /** A tenth of the run, at least one second. */
    private static int window() {
        return Math.max(1, SECONDS / 10);
    }

    private double rate(int fromSecond) {
        long count = 0;
        for (int s = fromSecond; s < fromSecond + window(); s++) {
            count += perSecond.get(s);
        }
        return count / (double) window();
    }

    private static double percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(sorted.length * percent / 100.0));
        return sorted[index] / 1e6;
    }

    /** Used heap after asking for a full collection twice (a report, never an assertion). */
    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private ApplicationContext context() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"),
                new JWKSet(ISSUER_KEY.toPublicJWK()).toString());
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [ES256]
                    singleUseJti: true
                    claims: {repository: string}
                """.formatted(ISSUER, jwks));
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("ci.yaml"), """
                apiVersion: vend.dev/v1
                id: ci-workload-7
                issuer: ci
                conditions: {sub: workload-7, repository: acme/app}
                issue: {audiences: [https://api.example.com], scopes: [read], carry: [repository]}
                """);
        return ApplicationContext.builder().environments("local").properties(Map.of(
                "vend.issuer-url", VEND_URL,
                "vend.issuers-file", issuers.toString(),
                "vend.policies-folder", policies.toString(),
                "vend.state-dir", dir.resolve("state").toString()))
                .singletons(Clock.systemUTC(), audit)
                .start();
    }

    private static String form(String proof) {
        return "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + enc(proof)
                + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
