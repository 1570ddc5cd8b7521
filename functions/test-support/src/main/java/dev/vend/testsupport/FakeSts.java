// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A protocol-level fake of AWS STS {@code AssumeRole} and {@code GetCallerIdentity} for tests: an
 * HTTP server on {@code 127.0.0.1} speaking the STS query protocol (form-encoded request, XML
 * response), driven with the real SDK {@code StsClient} (endpoint override, static credentials)
 * or, for {@code GetCallerIdentity}, with the rebuilt IAM proofs Vend sends.
 *
 * <p>What it enforces, as STS does:
 * <ul>
 *   <li>a valid SigV4 signature ({@code AWS4-HMAC-SHA256}, service {@code sts}) made with one of
 *       the credentials it knows (the caller's, {@link #CALLER_ACCESS_KEY_ID}/
 *       {@link #CALLER_SECRET_KEY}, and every {@link Principal} added), with the session token
 *       of those credentials, over every header named in {@code SignedHeaders} as received
 *       ({@code Host} included), dated within 15 minutes of the fake's clock; otherwise
 *       {@code SignatureDoesNotMatch} or {@code InvalidClientTokenId} (HTTP 403);</li>
 *   <li>{@code AssumeRole} by the caller's credentials only ({@code AccessDenied} for any other
 *       principal);</li>
 *   <li>role chaining: the caller's credentials are a role session, so a {@code DurationSeconds}
 *       above 3600 is a {@code ValidationError};</li>
 *   <li>session tag rules (at most 50; keys 1–128 and values 0–256 characters of
 *       {@code [\p{L}\p{Z}\p{N}_.:/=+\-@]}; no {@code aws:} prefix; no key repeated in another
 *       case), session name and source identity {@code [\w+=,.@-]{2,64}}: a
 *       {@code ValidationError} otherwise;</li>
 *   <li>roles it does not know: {@code AccessDenied} (HTTP 403).</li>
 * </ul>
 * {@code GetCallerIdentity} answers with the signer's account, ARN and user id. Every assumed
 * session is recorded ({@link #sessions()}), every request as received ({@link #requests()}),
 * and every request that arrived is counted ({@link #calls()}). Faults:
 * {@link #failNext(int, String, int)}, after the signature check, for either action: for
 * example {@code failNext(400, "Throttling", 1)} answers the next {@code GetCallerIdentity} as a
 * throttled STS does, with HTTP 400 and the code in an XML {@code ErrorResponse}. Error messages
 * name the caller's account and role on purpose, so tests can check they never escape.
 *
 * <p>Thread-safe.
 */
public final class FakeSts implements AutoCloseable {

    /** The access key id of the caller's (Vend's) role session. */
    public static final String CALLER_ACCESS_KEY_ID = "ASIAVENDCALLERTEST01";
    /** Its secret key. */
    public static final String CALLER_SECRET_KEY = "vend-caller-secret-key-for-tests-only";
    /** Its session token. */
    public static final String CALLER_SESSION_TOKEN = "vend-caller-session-token";
    /** The account the fake's roles live in. */
    public static final String ACCOUNT = "111111111111";

    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 "
            + "Credential=([^/]+)/(\\d{8})/([^/]+)/sts/aws4_request, ?"
            + "SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");
    private static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final int CHAINED_MAX_SECONDS = 3600;
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * One set of credentials the fake knows, and who STS says signed with them.
     *
     * @param accessKeyId the access key id
     * @param secretKey its secret key
     * @param sessionToken the session token of temporary credentials; empty for long-term keys,
     *     which must then be sent without one
     * @param account the 12-digit account id {@code GetCallerIdentity} answers
     * @param arn the ARN it answers
     * @param userId the {@code UserId} it answers
     */
    public record Principal(String accessKeyId, String secretKey, String sessionToken,
            String account, String arn, String userId) {

        /**
         * STS's successful answer to {@code GetCallerIdentity} for this principal, in the query
         * protocol's XML (<a
         * href="https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html">
         * API reference</a>).
         */
        public String callerIdentityResponse() {
            return "<GetCallerIdentityResponse "
                    + "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<GetCallerIdentityResult>"
                    + "<Arn>" + arn + "</Arn><UserId>" + userId + "</UserId>"
                    + "<Account>" + account + "</Account></GetCallerIdentityResult>"
                    + "<ResponseMetadata><RequestId>" + UUID.randomUUID()
                    + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
        }
    }

    /**
     * A request as the fake received it.
     *
     * @param method the HTTP method
     * @param target the request target (path and query)
     * @param headers every header, names in lower case, repeated values joined by commas
     * @param body the body
     */
    public record Request(String method, String target, Map<String, String> headers,
            String body) {
    }

    /** The credentials of Vend's own role session, the only ones that may assume roles. */
    public static final Principal CALLER = new Principal(CALLER_ACCESS_KEY_ID, CALLER_SECRET_KEY,
            CALLER_SESSION_TOKEN, ACCOUNT, "arn:aws:sts::" + ACCOUNT + ":assumed-role/vend-fn/vend",
            "AROAVENDFUNCTIONROLE:vend");

    /** One session the fake created. */
    public record Session(String roleArn, String sessionName, int durationSeconds,
            Map<String, String> tags, @Nullable String sourceIdentity, @Nullable String policy,
            String accessKeyId, String sessionToken) {
    }

    private record Fault(int status, String code, int[] remaining) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final Map<String, Boolean> roles = new ConcurrentHashMap<>();
    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile @Nullable Fault fault;

    private FakeSts(Clock clock) throws IOException {
        this.clock = clock;
        principals.put(CALLER_ACCESS_KEY_ID, CALLER);
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        executor = Executors.newCachedThreadPool(runnable -> {
            var thread = new Thread(runnable, "fake-sts");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a fake with no roles, on the system clock. */
    public static FakeSts start() {
        return start(Clock.systemUTC());
    }

    /**
     * Starts a fake with no roles; {@code Expiration} is computed from the clock, and signatures
     * dated more than 15 minutes away from it are refused.
     */
    public static FakeSts start(Clock clock) {
        try {
            return new FakeSts(clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake STS", e);
        }
    }

    /** Where the fake listens: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates a role the caller may assume and returns its ARN. */
    public String createRole(String name) {
        String arn = "arn:aws:iam::" + ACCOUNT + ":role/" + name;
        roles.put(arn, Boolean.TRUE);
        return arn;
    }

    /** Adds credentials whose signed {@code GetCallerIdentity} requests the fake answers. */
    public void addPrincipal(Principal principal) {
        principals.put(principal.accessKeyId(), principal);
    }

    /** Every request received so far, oldest first, whether answered or refused. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The sessions created so far, oldest first. */
    public List<Session> sessions() {
        return List.copyOf(sessions);
    }

    /** How many requests arrived, whatever their answer. */
    public int calls() {
        return calls.get();
    }

    /** Answers the next {@code times} calls with an error. */
    public void failNext(int status, String code, int times) {
        fault = new Fault(status, code, new int[] {times});
    }

    /** Removes the fault. */
    public void clearFaults() {
        fault = null;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            calls.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            record(exchange, body);
            String signatureProblem = signatureProblem(exchange, body);
            if (signatureProblem != null) {
                error(exchange, 403, signatureProblem, "The request signature we calculated "
                        + "does not match the signature you provided.");
                return;
            }
            Fault current = fault;
            if (current != null && takeOne(current)) {
                error(exchange, current.status(), current.code(), "User: arn:aws:sts::" + ACCOUNT
                        + ":assumed-role/vend-fn/vend is not authorized to perform this action");
                return;
            }
            Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
            Principal signer = principals.get(accessKeyId(exchange));
            switch (String.valueOf(form.get("Action"))) {
                case "GetCallerIdentity" -> callerIdentity(exchange, signer);
                case "AssumeRole" -> {
                    if (signer == CALLER) {
                        assumeRole(exchange, form);
                    } else {
                        error(exchange, 403, "AccessDenied", "User: " + signer.arn()
                                + " is not authorized to perform: sts:AssumeRole");
                    }
                }
                default -> error(exchange, 400, "InvalidAction", "unknown action");
            }
        }
    }

    private void record(HttpExchange exchange, byte[] body) {
        var headers = new TreeMap<String, String>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        requests.add(new Request(exchange.getRequestMethod(),
                exchange.getRequestURI().toString(), headers,
                new String(body, StandardCharsets.UTF_8)));
    }

    private static void callerIdentity(HttpExchange exchange, Principal signer)
            throws IOException {
        send(exchange, 200, signer.callerIdentityResponse());
    }

    private static String accessKeyId(HttpExchange exchange) {
        Matcher auth = AUTHORIZATION.matcher(String.valueOf(
                exchange.getRequestHeaders().getFirst("Authorization")));
        return auth.matches() ? auth.group(1) : "";
    }

    private static synchronized boolean takeOne(Fault fault) {
        return fault.remaining()[0]-- > 0;
    }

    private void assumeRole(HttpExchange exchange, Map<String, String> form) throws IOException {
        List<String> problems = validate(form);
        if (!problems.isEmpty()) {
            error(exchange, 400, "ValidationError", String.join("; ", problems));
            return;
        }
        String roleArn = form.get("RoleArn");
        if (!roles.containsKey(roleArn)) {
            error(exchange, 403, "AccessDenied", "User: arn:aws:sts::" + ACCOUNT
                    + ":assumed-role/vend-fn/vend is not authorized to perform: sts:AssumeRole on "
                    + "resource: " + roleArn);
            return;
        }
        int duration = Integer.parseInt(form.getOrDefault("DurationSeconds", "3600"));
        String accessKeyId = "ASIA" + UUID.randomUUID().toString().replace("-", "")
                .substring(0, 16).toUpperCase(Locale.ROOT);
        String secret = UUID.randomUUID().toString() + UUID.randomUUID();
        String token = "FwoGZXIvYXdzE" + UUID.randomUUID().toString().replace("-", "")
                + UUID.randomUUID().toString().replace("-", "");
        Instant expiration = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(duration);
        String sessionName = form.get("RoleSessionName");
        sessions.add(new Session(roleArn, sessionName, duration, tags(form),
                form.get("SourceIdentity"), form.get("Policy"), accessKeyId, token));
        String role = roleArn.substring(roleArn.indexOf(":role/") + ":role/".length());
        String xml = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleResult>"
                + (form.containsKey("SourceIdentity") ? "<SourceIdentity>"
                        + form.get("SourceIdentity") + "</SourceIdentity>" : "")
                + "<AssumedRoleUser><Arn>arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/"
                + sessionName + "</Arn><AssumedRoleId>AROATESTROLEID:" + sessionName
                + "</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><AccessKeyId>" + accessKeyId + "</AccessKeyId>"
                + "<SecretAccessKey>" + secret + "</SecretAccessKey>"
                + "<SessionToken>" + token + "</SessionToken>"
                + "<Expiration>" + expiration + "</Expiration></Credentials>"
                + "<PackedPolicySize>" + (tags(form).size() * 2) + "</PackedPolicySize>"
                + "</AssumeRoleResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                + "</RequestId></ResponseMetadata></AssumeRoleResponse>";
        send(exchange, 200, xml);
    }

    private static List<String> validate(Map<String, String> form) {
        var problems = new ArrayList<String>();
        int duration = Integer.parseInt(form.getOrDefault("DurationSeconds", "3600"));
        if (duration > CHAINED_MAX_SECONDS) {
            problems.add("The requested DurationSeconds exceeds the 1 hour session limit for "
                    + "roles assumed by role chaining.");
        }
        if (duration < 900) {
            problems.add("DurationSeconds must be at least 900");
        }
        if (!NAME.matcher(form.getOrDefault("RoleSessionName", "")).matches()) {
            problems.add("RoleSessionName fails to satisfy constraint");
        }
        String source = form.get("SourceIdentity");
        if (source != null && (!NAME.matcher(source).matches()
                || source.toLowerCase(Locale.ROOT).startsWith("aws:"))) {
            problems.add("SourceIdentity fails to satisfy constraint");
        }
        Map<String, String> tags = tags(form);
        if (tags.size() > 50) {
            problems.add("Tags: at most 50");
        }
        var lower = new HashSet<String>();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            String key = tag.getKey();
            if (key.isEmpty() || key.length() > 128 || !TAG_CHARS.matcher(key).matches()
                    || key.toLowerCase(Locale.ROOT).startsWith("aws:")
                    || !lower.add(key.toLowerCase(Locale.ROOT))) {
                problems.add("Tag key fails to satisfy constraint");
            }
            if (tag.getValue().length() > 256 || !TAG_CHARS.matcher(tag.getValue()).matches()) {
                problems.add("Tag value fails to satisfy constraint");
            }
        }
        return problems;
    }

    private static Map<String, String> tags(Map<String, String> form) {
        var tags = new LinkedHashMap<String, String>();
        for (int i = 1; form.containsKey("Tags.member." + i + ".Key"); i++) {
            tags.put(form.get("Tags.member." + i + ".Key"),
                    form.getOrDefault("Tags.member." + i + ".Value", ""));
        }
        return tags;
    }

    /** Null when the request is signed with known credentials, in time; else an error code. */
    private @Nullable String signatureProblem(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher auth = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (auth == null || !auth.matches()) {
            return "MissingAuthenticationToken";
        }
        Principal signer = principals.get(auth.group(1));
        String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
        if (signer == null || !signer.sessionToken().equals(token == null ? "" : token)) {
            return "InvalidClientTokenId";
        }
        String amzDate = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Date"));
        if (!amzDate.startsWith(auth.group(2)) || !inTime(amzDate)) {
            return "SignatureDoesNotMatch";
        }
        try {
            String canonical = canonicalRequest(exchange, auth.group(4), body);
            String scope = auth.group(2) + "/" + auth.group(3) + "/sts/aws4_request";
            String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                    + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
            byte[] key = hmac(("AWS4" + signer.secretKey()).getBytes(StandardCharsets.UTF_8),
                    auth.group(2));
            key = hmac(key, auth.group(3));
            key = hmac(key, "sts");
            key = hmac(key, "aws4_request");
            String expected = hex(hmac(key, toSign));
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    auth.group(5).getBytes(StandardCharsets.US_ASCII)) ? null
                    : "SignatureDoesNotMatch";
        } catch (GeneralSecurityException e) {
            return "SignatureDoesNotMatch";
        }
    }

    private boolean inTime(String amzDate) {
        try {
            Instant signedAt = Instant.from(AMZ_DATE.parse(amzDate));
            return Duration.between(signedAt, clock.instant()).abs().compareTo(MAX_SKEW) <= 0;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String canonicalRequest(HttpExchange exchange, String signedHeaders,
            byte[] body) throws GeneralSecurityException {
        var out = new StringBuilder();
        out.append(exchange.getRequestMethod()).append('\n');
        String path = exchange.getRequestURI().getRawPath();
        out.append(path == null || path.isEmpty() ? "/" : path).append('\n');
        String query = exchange.getRequestURI().getRawQuery();
        out.append(canonicalQuery(query)).append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = exchange.getRequestHeaders().get(name);
            String value = values == null ? "" : String.join(",", values).trim()
                    .replaceAll(" +", " ");
            out.append(name).append(':').append(value).append('\n');
        }
        out.append('\n').append(signedHeaders).append('\n');
        String payloadHash = exchange.getRequestHeaders().getFirst("X-Amz-Content-Sha256");
        out.append(payloadHash != null ? payloadHash : hex(sha256(body)));
        return out.toString();
    }

    private static String canonicalQuery(@Nullable String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        var sorted = new TreeMap<String, String>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            sorted.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        var out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(k).append('=')
                .append(v));
        return out.toString();
    }

    private static Map<String, String> form(String body) {
        var form = new LinkedHashMap<String, String>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                    StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
                    StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static byte[] sha256(byte[] input) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(input);
    }

    private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static void error(HttpExchange exchange, int status, String code, String message)
            throws IOException {
        String xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                + "<Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId>"
                + "</ErrorResponse>";
        send(exchange, status, xml);
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
