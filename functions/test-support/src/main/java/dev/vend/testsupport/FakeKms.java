// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A protocol-level fake of AWS KMS for tests: an HTTP server on {@code 127.0.0.1} speaking the
 * AWS JSON 1.1 protocol (operation in {@code X-Amz-Target: TrentService.<Operation>}) for
 * {@code GetPublicKey} and {@code Sign}, with real keys (RSA_2048 and ECC_NIST_P256) and real
 * signatures: RSASSA-PKCS1-v1_5 SHA-256 and ECDSA SHA-256 in ASN.1 DER, as KMS returns them.
 * Drive it with the real SDK {@code KmsClient} (endpoint override, static credentials).
 *
 * <p>Like KMS, it accepts the key ARN as {@code KeyId}, signs a 32-byte digest with
 * {@code MessageType: DIGEST} or a message with {@code RAW}, refuses a signing algorithm the key
 * does not support ({@code InvalidKeyUsageException}), a disabled key ({@code DisabledException})
 * and an unknown one ({@code NotFoundException}). Faults: {@link #failNext(String, int, String,
 * int)} answers the next calls of an operation with an AWS error whose message names an ARN and
 * account, so tests can check it never escapes.
 *
 * <p>Every request must carry a SigV4 {@code Authorization} header (not verified: see
 * {@code FakeSts} for a fake that verifies it).
 *
 * <p>Thread-safe: requests are served on daemon threads, counters are atomic.
 */
public final class FakeKms implements AutoCloseable {

    /** The region the fake's ARNs name. */
    public static final String REGION = "us-east-1";
    /** The account the fake's ARNs name. */
    public static final String ACCOUNT = "111111111111";

    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final byte[] SHA256_DIGEST_INFO = {
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
        0x01, 0x05, 0x00, 0x04, 0x20};

    /** A key the fake holds. */
    private record FakeKey(String arn, String keySpec, String signingAlgorithm, KeyPair pair,
            boolean enabled) {
    }

    /** An error to answer instead of the operation's result. */
    private record Fault(int status, String code, AtomicInteger remaining) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, FakeKey> keys = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();

    private FakeKms() throws IOException {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's
        // algorithm and the client's delayed ACK add about 40 ms to every call. Read once, when
        // the first JDK server in the JVM starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        executor = Executors.newCachedThreadPool(runnable -> {
            var thread = new Thread(runnable, "fake-kms");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a fake with no keys. */
    public static FakeKms start() {
        try {
            return new FakeKms();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake KMS", e);
        }
    }

    /** Where the fake listens: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates an ECC_NIST_P256 key (ECDSA_SHA_256) and returns its key ARN. */
    public String createEcP256Key() {
        return create("ECC_NIST_P256", "ECDSA_SHA_256", generate("EC"));
    }

    /** Creates an RSA_2048 key (RSASSA_PKCS1_V1_5_SHA_256 only) and returns its key ARN. */
    public String createRsa2048Key() {
        return create("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", generate("RSA"));
    }

    /** Disables a key: {@code Sign} and {@code GetPublicKey} answer {@code DisabledException}. */
    public void disable(String arn) {
        keys.computeIfPresent(arn, (k, key) -> new FakeKey(key.arn(), key.keySpec(),
                key.signingAlgorithm(), key.pair(), false));
    }

    /** The public key of a key, as a relying party would get it out of band. */
    public PublicKey publicKey(String arn) {
        return Objects.requireNonNull(keys.get(arn), arn).pair().getPublic();
    }

    /**
     * Answers the next {@code times} calls of the operation with an AWS error.
     *
     * @param operation {@code Sign} or {@code GetPublicKey}
     * @param status the HTTP status
     * @param code the error code, e.g. {@code ThrottlingException}
     * @param times how many calls fail; {@link Integer#MAX_VALUE} for all
     */
    public void failNext(String operation, int status, String code, int times) {
        faults.put(operation, new Fault(status, code, new AtomicInteger(times)));
    }

    /** Removes every fault. */
    public void clearFaults() {
        faults.clear();
    }

    /** How many requests of the operation arrived (faulted ones included). */
    public int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private String create(String keySpec, String algorithm, KeyPair pair) {
        String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + UUID.randomUUID();
        keys.put(arn, new FakeKey(arn, keySpec, algorithm, pair, true));
        return arn;
    }

    private static KeyPair generate(String type) {
        try {
            var generator = KeyPairGenerator.getInstance(type);
            if ("EC".equals(type)) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String operation = target.startsWith("TrentService.")
                    ? target.substring("TrentService.".length()) : target;
            calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
                error(exchange, 400, "MissingAuthenticationTokenException", "no signature");
                return;
            }
            Fault fault = faults.get(operation);
            if (fault != null && fault.remaining().getAndDecrement() > 0) {
                error(exchange, fault.status(), fault.code(), "User: arn:aws:sts::" + ACCOUNT
                        + ":assumed-role/vend-fn/x is not authorized for this key");
                return;
            }
            Map<String, Object> request = JSONObjectUtils.parse(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            switch (operation) {
                case "GetPublicKey" -> getPublicKey(exchange, request);
                case "Sign" -> sign(exchange, request);
                default -> error(exchange, 400, "UnknownOperationException", operation);
            }
        } catch (ParseException | GeneralSecurityException | RuntimeException e) {
            error(exchange, 400, "ValidationException", "bad request");
        }
    }

    private @Nullable FakeKey usableKey(HttpExchange exchange, Map<String, Object> request)
            throws IOException {
        FakeKey key = keys.get(String.valueOf(request.get("KeyId")));
        if (key == null) {
            error(exchange, 400, "NotFoundException", "Key '" + request.get("KeyId")
                    + "' does not exist");
            return null;
        }
        if (!key.enabled()) {
            error(exchange, 400, "DisabledException", key.arn() + " is disabled.");
            return null;
        }
        return key;
    }

    private void getPublicKey(HttpExchange exchange, Map<String, Object> request)
            throws IOException {
        FakeKey key = usableKey(exchange, request);
        if (key == null) {
            return;
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("KeyId", key.arn());
        body.put("KeySpec", key.keySpec());
        body.put("CustomerMasterKeySpec", key.keySpec());
        body.put("KeyUsage", "SIGN_VERIFY");
        body.put("PublicKey", Base64.getEncoder().encodeToString(
                key.pair().getPublic().getEncoded()));
        body.put("SigningAlgorithms", List.of(key.signingAlgorithm()));
        ok(exchange, body);
    }

    private void sign(HttpExchange exchange, Map<String, Object> request)
            throws IOException, GeneralSecurityException {
        FakeKey key = usableKey(exchange, request);
        if (key == null) {
            return;
        }
        if (!key.signingAlgorithm().equals(request.get("SigningAlgorithm"))) {
            error(exchange, 400, "InvalidKeyUsageException", "wrong algorithm for " + key.arn());
            return;
        }
        byte[] message = Base64.getDecoder().decode(String.valueOf(request.get("Message")));
        boolean digest = "DIGEST".equals(request.get("MessageType"));
        if (digest && message.length != 32) {
            error(exchange, 400, "ValidationException", "digest length");
            return;
        }
        byte[] hash = digest ? message : MessageDigest.getInstance("SHA-256").digest(message);
        var body = new LinkedHashMap<String, Object>();
        body.put("KeyId", key.arn());
        body.put("Signature", Base64.getEncoder().encodeToString(signDigest(key, hash)));
        body.put("SigningAlgorithm", key.signingAlgorithm());
        ok(exchange, body);
    }

    /** Signs a SHA-256 digest the way KMS does: PKCS#1 v1.5 DigestInfo, or ECDSA in DER. */
    private static byte[] signDigest(FakeKey key, byte[] hash) throws GeneralSecurityException {
        Signature signature;
        byte[] input;
        if (key.keySpec().startsWith("RSA")) {
            signature = Signature.getInstance("NONEwithRSA");
            input = new byte[SHA256_DIGEST_INFO.length + hash.length];
            System.arraycopy(SHA256_DIGEST_INFO, 0, input, 0, SHA256_DIGEST_INFO.length);
            System.arraycopy(hash, 0, input, SHA256_DIGEST_INFO.length, hash.length);
        } else {
            signature = Signature.getInstance("NONEwithECDSA");
            input = hash;
        }
        signature.initSign(key.pair().getPrivate());
        signature.update(input);
        return signature.sign();
    }

    private static void ok(HttpExchange exchange, Map<String, Object> body) throws IOException {
        send(exchange, 200, JSONObjectUtils.toJSONString(body));
    }

    private static void error(HttpExchange exchange, int status, String code, String message)
            throws IOException {
        var body = new LinkedHashMap<String, Object>();
        body.put("__type", code);
        body.put("message", message);
        send(exchange, status, JSONObjectUtils.toJSONString(body));
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", JSON_11);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
