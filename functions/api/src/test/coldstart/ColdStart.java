// SPDX-License-Identifier: Apache-2.0

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JVM cold-start harness (docs/performance.md, "JVM cold start"). Runs N interleaved pairs of
 * fresh JVMs: (a) Vend's Lambda handler from the shaded jar, JVM start to the first vended token;
 * (b) a bare Micronaut APIGatewayV2HTTPEventFunction with one hello controller, JVM start to its
 * first response. Then one primed Vend run under -Xlog:class+load, counting the classes the first
 * request after priming still loads. Run it through coldstart.sh, which builds the inputs.
 *
 * <p>Usage: {@code java -cp <vend jar> ColdStart.java <work dir> <vend jar> <probe dir>
 * <bare jar> <runs>}
 */
public final class ColdStart {

    private static final String VEND_ISSUER = "https://vend.test";
    private static final String CALLER = "https://ci.coldstart.test";

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String vendCp = args[1] + ":" + args[2];
        String bareCp = args[3];
        int runs = Integer.parseInt(args[4]);
        ECKey ecKey = new ECKeyGenerator(Curve.P_256).keyID("coldstart-es").generate();
        RSAKey rsaKey = new RSAKeyGenerator(2048).keyID("coldstart-rs").generate();
        Map<String, String> env = setUp(work, ecKey, rsaKey);

        // RS256 is what GitHub, GitLab, Google and Kubernetes sign with; ES256 is verified on
        // BouncyCastle, whose provider the first ES256 token loads.
        compare(work, rsaKey, env, vendCp, bareCp, runs, JvmFlags.LAMBDA);
        compare(work, ecKey, env, vendCp, bareCp, runs, JvmFlags.LAMBDA);
        compare(work, ecKey, env, vendCp, bareCp, runs, JvmFlags.JVM_DEFAULTS);

        Path log = work.resolve("class-load.log");
        vendRun(work, ecKey, env, vendCp, List.of("-Xlog:class+load:file=" + log), "prime");
        System.out.println("classes loaded by the first request after priming: "
                + loadedBetweenMarkers(log));
        Path coldLog = work.resolve("class-load-unprimed.log");
        vendRun(work, ecKey, env, vendCp, List.of("-Xlog:class+load:file=" + coldLog));
        System.out.println("classes loaded by the first request without priming: "
                + loadedBetweenMarkers(coldLog));
    }

    /** The JVM settings each pair of runs is made with. */
    enum JvmFlags {
        /**
         * What AWS Lambda's Java 17 and 21 runtimes set for a function without SnapStart: C1
         * only (tiered compilation stops at level 1) and the serial collector.
         */
        LAMBDA("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
        /** The JVM's own defaults on this machine. */
        JVM_DEFAULTS;

        final List<String> flags;

        JvmFlags(String... flags) {
            this.flags = List.of(flags);
        }
    }

    private static void compare(Path work, JWK key, Map<String, String> env, String vendCp,
            String bareCp, int runs, JvmFlags jvm) throws Exception {
        System.out.println("== JVM flags: " + jvm + " " + jvm.flags + ", subject token "
                + algorithm(key));
        List<String> bareCommand = new ArrayList<>(List.of("java"));
        bareCommand.addAll(jvm.flags);
        bareCommand.addAll(List.of("-cp", bareCp, "hello.HelloProbe"));
        List<long[]> vend = new ArrayList<>();
        List<long[]> bare = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            // Alternate which goes first, so a slow phase of the machine hits both alike.
            if (i % 2 == 0) {
                vend.add(vendRun(work, key, env, vendCp, jvm.flags));
                bare.add(run(bareCommand, Map.of()));
            } else {
                bare.add(run(bareCommand, Map.of()));
                vend.add(vendRun(work, key, env, vendCp, jvm.flags));
            }
            System.out.printf("run %2d: vend %5d ms (wall %5d, CPU %5d)   bare %5d ms (wall %5d,"
                    + " CPU %5d)%n", i + 1, vend.get(i)[0], vend.get(i)[1], vend.get(i)[3],
                    bare.get(i)[0], bare.get(i)[1], bare.get(i)[3]);
        }
        report("vend (JVM start -> first token)", vend);
        report("bare (JVM start -> first response)", bare);
        System.out.printf("ratio of medians (%s, %s): %.2f (in-process), %.2f (wall), %.2f"
                + " (CPU)%n", jvm, algorithm(key), (double) median(vend, 0) / median(bare, 0),
                (double) median(vend, 1) / median(bare, 1),
                (double) median(vend, 3) / median(bare, 3));
    }

    private static Map<String, String> setUp(Path work, ECKey ecKey, RSAKey rsaKey)
            throws IOException {
        Path jwks = Files.writeString(work.resolve("jwks.json"),
                new JWKSet(List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK())).toString());
        Path issuers = Files.writeString(work.resolve("issuers.yaml"), """
                issuers:
                  - id: ci
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [ES256, RS256]
                    singleUseJti: true
                """.formatted(CALLER, jwks));
        Path policies = Files.createDirectories(work.resolve("policies"));
        Files.writeString(policies.resolve("ci.yaml"), """
                apiVersion: vend.dev/v1
                id: ci
                issuer: ci
                conditions:
                  sub: workload-1
                issue:
                  audiences: [https://api.example.com]
                  scopes: [read]
                """);
        return Map.of(
                "VEND_ISSUER_URL", VEND_ISSUER,
                "VEND_ISSUERS_FILE", issuers.toString(),
                "VEND_POLICIES_FOLDER", policies.toString(),
                "VEND_STATE_DIR", work.resolve("state").toString());
    }

    private static long[] vendRun(Path work, JWK key, Map<String, String> env, String cp,
            List<String> jvmFlags, String... probeArgs) throws Exception {
        Path form = Files.writeString(work.resolve("form.txt"), form(key));
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", cp, "VendProbe", form.toString()));
        command.addAll(List.of(probeArgs));
        return run(command, env);
    }

    /**
     * Runs a probe; returns {ms from JVM start to the first response, wall ms from spawn to
     * exit, ms from JVM start to the handler built (the init a SnapStart restore skips), CPU ms
     * of the process up to the first response}.
     */
    private static long[] run(List<String> command, Map<String, String> env) throws Exception {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        int exit = process.waitFor();
        long wall = (System.nanoTime() - started) / 1_000_000;
        String result = output.lines().filter(line -> line.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("probe failed:\n" + output));
        if (exit != 0 || !result.startsWith("RESULT 200 ")) {
            throw new IllegalStateException("probe answered " + result + ":\n" + output);
        }
        String[] fields = result.split(" ");
        return new long[] {Long.parseLong(fields[2]), wall, Long.parseLong(fields[3]),
            Long.parseLong(fields[4])};
    }

    private static JWSAlgorithm algorithm(JWK key) {
        return key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
    }

    private static String form(JWK key) throws Exception {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder().issuer(CALLER).subject("workload-1")
                .audience(VEND_ISSUER).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString()).build();
        var jwt = new SignedJWT(new JWSHeader.Builder(algorithm(key)).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
        return "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + encode(jwt.serialize())
                + "&subject_token_type=" + encode("urn:ietf:params:oauth:token-type:jwt")
                + "&audience=" + encode("https://api.example.com");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static long loadedBetweenMarkers(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        int from = indexOf(lines, "VendProbe$BeforeFirstRequest");
        int to = indexOf(lines, "VendProbe$AfterFirstRequest");
        return to - from - 1;
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker + " ")) {
                return i;
            }
        }
        throw new IllegalStateException("marker " + marker + " not in the class-load log");
    }

    private static void report(String name, List<long[]> samples) {
        System.out.printf("%s: median %d ms, min %d, max %d, p25 %d, p75 %d (n=%d); wall median"
                + " %d ms, min %d, max %d; init (JVM start -> handler built) median %d ms;"
                + " CPU median %d ms, min %d, max %d%n",
                name, median(samples, 0), pick(samples, 0, 0.0),
                pick(samples, 0, 1.0), pick(samples, 0, 0.25), pick(samples, 0, 0.75),
                samples.size(), median(samples, 1), pick(samples, 1, 0.0),
                pick(samples, 1, 1.0), median(samples, 2), median(samples, 3),
                pick(samples, 3, 0.0), pick(samples, 3, 1.0));
    }

    private static long median(List<long[]> samples, int column) {
        List<Long> sorted = samples.stream().map(s -> s[column]).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static long pick(List<long[]> samples, int column, double quantile) {
        List<Long> sorted = samples.stream().map(s -> s[column]).sorted().toList();
        return sorted.get((int) Math.round(quantile * (sorted.size() - 1)));
    }
}
