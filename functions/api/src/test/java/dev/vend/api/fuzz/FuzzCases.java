// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.fuzz;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.model.TokenTypes;
import dev.vend.testsupport.TestTokens;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Hostile {@code POST /token} events from a seeded generator, so every run sends the same cases:
 * malformed forms, wrong percent-encodings, invalid UTF-8, huge and deeply nested JSON inside JWT
 * segments (some signed with the issuer's real key, so they get past the signature), junk JWT
 * segments, random bytes under every subject token type, odd claims and headers, base64 flags
 * that lie about the body, and cloud proofs that look right and are wrong ({@link CloudProofs}),
 * which reach the cloud verifiers' JSON, PKCS7 and XML parsing. No case is a request Vend may
 * grant: signed tokens never carry the one subject a policy entitles, and no policy names a cloud
 * identity.
 */
final class FuzzCases {

    /**
     * One generated request.
     *
     * @param generator the name of the generator that made it, one of {@link #generators()}
     * @param label what the case is, for a failure message
     * @param tokenType the {@code subject_token_type} the form carries, if it carries one
     * @param event the event
     */
    record FuzzCase(String generator, String label, @Nullable String tokenType,
            APIGatewayV2HTTPEvent event) {
    }

    static final String ISSUER = "https://ci.example.test";
    static final String RSA_ISSUER = "https://rsa.example.test";
    static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String FORM = "application/x-www-form-urlencoded";

    /** Every subject token type the cases send, known and unknown. */
    static final List<String> TOKEN_TYPES = List.of(TokenTypes.JWT, TokenTypes.ID_TOKEN,
            TokenTypes.AWS_EC2_BUNDLE, TokenTypes.AWS_IAM_PROOF, TokenTypes.AZURE_ATTESTED,
            TokenTypes.ACCESS_TOKEN, TokenTypes.AWS_CREDENTIALS,
            "urn:vend:params:oauth:token-type:", "jwt", "", "urn:ietf:params:oauth:token-type:JWT");
    private static final List<String> BAD_ESCAPES = List.of("%", "%%", "%4", "%G0", "%ZZ", "%-1",
            "%C3%28", "%A0%A1", "%E2%28%A1", "%F0%28%8C%BC", "%C0%AF", "%ED%A0%80",
            "%F8%88%80%80%80", "%FF%FE", "%00", "%0D%0A", "+%2", "%u0041", "%%41", "%c3");
    private static final List<String> PARAMETERS = List.of("grant_type", "subject_token",
            "subject_token_type", "audience", "resource", "scope", "requested_token_type",
            "actor_token", "actor_token_type", "GRANT_TYPE", "subject_token ", "", "=", "&");
    private static final List<String> CONTENT_TYPES = List.of(FORM, FORM + "; charset=UTF-8",
            "APPLICATION/X-WWW-FORM-URLENCODED", FORM + ";charset=latin1", FORM + "; boundary=x",
            FORM + ", text/plain", " " + FORM + " ", FORM + ";;;", FORM + "; charset=\"\u00ff\"");
    private static final List<String> ODD_VALUES = List.of("null", "true", "-1", "0", "1e308",
            "-1e308", "1.5", "18446744073709551616", "\"\"", "[]", "{}", "[null]", "{\"a\":{}}",
            "\"\\u0000\"", "\"\\ud800\"", "\"" + "x".repeat(3000) + "\"", "[1,2,3]", "\"2030\"",
            "\"workload-1\\u0000\"", "9007199254740993");
    private static final List<String> CLAIMS = List.of("iss", "sub", "aud", "exp", "iat", "nbf",
            "jti", "repository", "azp", "kubernetes.io");
    private static final List<String> HEADERS = List.of(
            "{\"alg\":\"none\"}", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"alg\":\"ES256\","
                    + "\"crit\":[]}", "{\"alg\":\"ES256\",\"b64\":false,\"crit\":[\"b64\"]}",
            "{\"alg\":\"ES256\",\"kid\":" + "\"" + "k".repeat(400) + "\"}",
            "{\"alg\":\"ES256\",\"kid\":7}", "{\"alg\":\"RS256\"}",
            "{\"alg\":\"ES256\",\"jku\":\"https://127.0.0.1/jwks\"}",
            "{\"alg\":\"ES256\",\"x5u\":\"http://x\"}",
            "{\"alg\":\"ES256\",\"alg\":\"none\"}", "{\"alg\":[\"ES256\"]}", "{\"alg\":\"es256\"}",
            "{\"alg\":\"ES256\",\"typ\":{}}", "{\"alg\":\"PS256\"}", "{\"alg\":\"ES256\","
                    + "\"enc\":\"A128GCM\"}", "{}", "[]", "\"ES256\"");

    private final Random random;
    private final ECKey ecKey;
    private final RSAKey rsaKey;
    private final CloudProofs cloud;
    private final Map<String, Supplier<FuzzCase>> generators = new LinkedHashMap<>();
    private String generator = "";
    private @Nullable String tokenType;

    /**
     * @param seed the generator's seed; the same seed gives the same cases
     * @param ecKey the ES256 issuer's real key
     * @param rsaKey the RS256 issuer's real key
     * @param trust what the deployment trusts for cloud proofs
     */
    FuzzCases(long seed, ECKey ecKey, RSAKey rsaKey, CloudProofs.Trust trust) {
        this.random = new Random(seed);
        this.ecKey = ecKey;
        this.rsaKey = rsaKey;
        this.cloud = new CloudProofs(random, trust);
        generators.put("malformed-form", this::malformedForm);
        generators.put("wrong-percent-encoding", this::wrongPercentEncoding);
        generators.put("invalid-utf8", this::invalidUtf8Body);
        generators.put("huge-json", this::hugeJsonSegment);
        generators.put("deep-nesting", this::deeplyNestedSegment);
        generators.put("junk-segments", this::junkSegments);
        generators.put("random-bytes", this::randomBytesAsEveryTokenType);
        generators.put("lying-base64-flag", this::lyingBase64Flag);
        generators.put("signed-odd-claims", this::signedOddClaims);
        generators.put("signed-odd-header", this::signedOddHeader);
        generators.put("odd-parameters", this::oddParameters);
        generators.put("odd-content-type", this::oddContentType);
        generators.put("azure-envelope", () -> cloudProof(TokenTypes.AZURE_ATTESTED,
                cloud.azureEnvelope()));
        generators.put("azure-signed-content", () -> cloudProof(TokenTypes.AZURE_ATTESTED,
                cloud.azureSignedContent()));
        generators.put("aws-iam-proof", () -> cloudProof(TokenTypes.AWS_IAM_PROOF,
                cloud.iamProof()));
        generators.put("ec2-bundle-document", () -> cloudProof(TokenTypes.AWS_EC2_BUNDLE,
                cloud.ec2BrokenDocument()));
        generators.put("ec2-bundle-iam-half", () -> cloudProof(TokenTypes.AWS_EC2_BUNDLE,
                cloud.ec2BrokenIamHalf()));
    }

    /** The names of every generator, each of which {@link #next()} picks alike. */
    Set<String> generators() {
        return Collections.unmodifiableSet(generators.keySet());
    }

    /** The next case. */
    FuzzCase next() {
        List<String> names = List.copyOf(generators.keySet());
        generator = names.get(random.nextInt(names.size()));
        tokenType = null;
        return generators.get(generator).get();
    }

    /** A cloud proof in a well-formed form, under its own token type. */
    private FuzzCase cloudProof(String type, String proof) {
        return form(generator, validForm(proof, typed(type)));
    }

    private FuzzCase malformedForm() {
        var body = new StringBuilder();
        int pieces = random.nextInt(40);
        for (int i = 0; i < pieces; i++) {
            switch (random.nextInt(6)) {
                case 0 -> body.append(pick(PARAMETERS));
                case 1 -> body.append('=');
                case 2 -> body.append('&');
                case 3 -> body.append(pick(BAD_ESCAPES));
                case 4 -> body.append(ascii(random.nextInt(30)));
                default -> body.append(pick(PARAMETERS)).append('=').append(enc(ascii(20)));
            }
        }
        return form("malformed-form", body.toString());
    }

    private FuzzCase wrongPercentEncoding() {
        String token = junkJwt();
        String broken = insertAt(enc(token), pick(BAD_ESCAPES));
        String body = "grant_type=" + insertAt(enc(GRANT), pick(BAD_ESCAPES))
                + "&subject_token=" + broken + "&subject_token_type=" + enc(anyType());
        if (random.nextBoolean()) {
            tokenType = null;
            body = "grant_type=" + enc(GRANT) + "&subject_token=" + broken
                    + "&subject_token_type=" + percentBytes(randomBytes(1 + random.nextInt(40)));
        }
        return form("wrong-percent-encoding", body);
    }

    private FuzzCase invalidUtf8Body() {
        var out = new ByteArrayOutputStream();
        byte[] prefix = validForm(junkJwt(), anyType()).getBytes(StandardCharsets.UTF_8);
        int cut = random.nextInt(prefix.length + 1);
        out.write(prefix, 0, cut);
        byte[][] invalid = {{(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88}, {(byte) 0xC3},
            {(byte) 0xE2, (byte) 0x28, (byte) 0xA1}, {0}};
        byte[] bad = invalid[random.nextInt(invalid.length)];
        out.write(bad, 0, bad.length);
        out.write(prefix, cut, prefix.length - cut);
        String body = Base64.getEncoder().encodeToString(out.toByteArray());
        return event("invalid-utf8", Map.of("content-type", FORM), body, true);
    }

    private FuzzCase hugeJsonSegment() {
        int members = 1 + random.nextInt(random.nextBoolean() ? 50 : 1200);
        var json = new StringBuilder("{\"iss\":\"" + ISSUER + "\",\"sub\":\"fuzz\"");
        for (int i = 0; i < members; i++) {
            json.append(",\"m").append(i).append("\":").append(pick(ODD_VALUES));
        }
        json.append('}');
        String token = random.nextBoolean()
                ? TestTokens.signRaw("{\"alg\":\"ES256\",\"kid\":\"" + ecKey.getKeyID() + "\"}",
                        json.toString(), ecKey)
                : b64(pick(HEADERS)) + "." + b64(json.toString()) + "." + b64("sig");
        return form("huge-json", validForm(token, typed(TokenTypes.JWT)));
    }

    private FuzzCase deeplyNestedSegment() {
        int depth = 8 + random.nextInt(random.nextBoolean() ? 20 : 4000);
        boolean arrays = random.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"fuzz\",\"n\":" + nested + "}";
        String header = "{\"alg\":\"ES256\",\"kid\":\"" + ecKey.getKeyID() + "\"}";
        String token = switch (random.nextInt(3)) {
            case 0 -> TestTokens.signRaw(header, claims, ecKey);
            case 1 -> b64(open.repeat(depth) + close.repeat(depth)) + "." + b64(claims) + ".AA";
            default -> b64(header) + "." + b64(nested) + "." + b64("x");
        };
        return form("deep-nesting", validForm(token, anyType()));
    }

    private FuzzCase junkSegments() {
        int segments = random.nextInt(7);
        var parts = new ArrayList<String>();
        for (int i = 0; i < segments; i++) {
            parts.add(switch (random.nextInt(6)) {
                case 0 -> "";
                case 1 -> b64(pick(HEADERS)) + "==";
                case 2 -> Base64.getEncoder().encodeToString(randomBytes(random.nextInt(64)));
                case 3 -> ascii(random.nextInt(80));
                case 4 -> Base64URL.encode(randomBytes(1 + random.nextInt(300))).toString();
                default -> b64(pick(ODD_VALUES));
            });
        }
        return form("junk-segments", validForm(String.join(".", parts), anyType()));
    }

    private FuzzCase randomBytesAsEveryTokenType() {
        byte[] bytes = randomBytes(random.nextInt(2000));
        String token = switch (random.nextInt(3)) {
            case 0 -> enc(Base64.getEncoder().encodeToString(bytes));
            case 1 -> enc(Base64URL.encode(bytes).toString());
            default -> percentBytes(bytes);
        };
        String body = "grant_type=" + enc(GRANT) + "&subject_token=" + token
                + "&subject_token_type=" + enc(anyType());
        return form("random-bytes", body);
    }

    private FuzzCase lyingBase64Flag() {
        String form = validForm(junkJwt(), anyType());
        String encoded = Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8));
        return switch (random.nextInt(6)) {
            case 0 -> event("base64-flag-true-plain", Map.of("content-type", FORM), form, true);
            case 1 -> event("base64-flag-false-encoded", Map.of("content-type", FORM), encoded,
                    false);
            case 2 -> event("base64-bad-padding", Map.of("content-type", FORM),
                    encoded.replace("=", "") + "===", true);
            case 3 -> event("base64-illegal-chars", Map.of("content-type", FORM),
                    insertAt(encoded, pick(List.of("*", "\n", " ", "-", "_", "\u00e9", "%"))),
                    true);
            case 4 -> event("base64-huge", Map.of("content-type", FORM), Base64.getEncoder()
                    .encodeToString(randomBytes(16 * 1024 + random.nextInt(9000))), true);
            default -> event("base64-url-alphabet", Map.of("content-type", FORM),
                    Base64.getUrlEncoder().encodeToString(
                            (form + "&scope=" + enc("???>>>")).getBytes(StandardCharsets.UTF_8)),
                    true);
        };
    }

    private FuzzCase signedOddClaims() {
        Map<String, String> claims = new HashMap<>();
        long now = Instant.now().getEpochSecond();
        claims.put("iss", "\"" + (random.nextBoolean() ? ISSUER : RSA_ISSUER) + "\"");
        claims.put("sub", "\"fuzz-" + random.nextInt(1000) + "\"");
        claims.put("aud", "\"" + FuzzHarness.VEND_ISSUER + "\"");
        claims.put("iat", Long.toString(now));
        claims.put("exp", Long.toString(now + 300));
        claims.put("repository", "\"acme/app\"");
        int odd = 1 + random.nextInt(4);
        for (int i = 0; i < odd; i++) {
            claims.put(pick(CLAIMS), pick(ODD_VALUES));
        }
        if ("\"workload-1\"".equals(claims.get("sub"))) {
            claims.put("sub", "\"not-workload-1\"");
        }
        var json = new StringBuilder("{");
        claims.forEach((name, value) -> json.append(json.length() > 1 ? "," : "")
                .append('"').append(name).append("\":").append(value));
        if (random.nextInt(4) == 0) {
            json.append(",\"sub\":\"workload-1\"");
        }
        json.append('}');
        return form("signed-odd-claims", validForm(signed(json.toString()),
                typed(TokenTypes.ID_TOKEN)));
    }

    private FuzzCase signedOddHeader() {
        long now = Instant.now().getEpochSecond();
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"fuzz\",\"aud\":\""
                + FuzzHarness.VEND_ISSUER + "\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}";
        String token = random.nextBoolean()
                ? TestTokens.signRaw(pick(HEADERS), claims, ecKey, JWSAlgorithm.ES256)
                : TestTokens.signRaw(pick(HEADERS), claims, rsaKey, JWSAlgorithm.RS256);
        return form("signed-odd-header", validForm(token, typed(TokenTypes.JWT)));
    }

    private FuzzCase oddParameters() {
        long now = Instant.now().getEpochSecond();
        String token = signed("{\"iss\":\"" + ISSUER + "\",\"sub\":\"fuzz\",\"aud\":\""
                + FuzzHarness.VEND_ISSUER + "\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}");
        var body = new StringBuilder(validForm(token, typed(TokenTypes.JWT)));
        int extra = 1 + random.nextInt(random.nextBoolean() ? 3 : 400);
        for (int i = 0; i < extra; i++) {
            body.append('&').append(enc(pick(PARAMETERS))).append('=')
                    .append(random.nextBoolean() ? enc(ascii(random.nextInt(60)))
                            : pick(BAD_ESCAPES));
        }
        return form("odd-parameters", body.toString());
    }

    private FuzzCase oddContentType() {
        Map<String, String> headers = new HashMap<>();
        String name = pick(List.of("content-type", "Content-Type", "CONTENT-TYPE", "content_type",
                "content-type "));
        if (random.nextInt(5) > 0) {
            headers.put(name, pick(CONTENT_TYPES));
        }
        if (random.nextBoolean()) {
            headers.put("content-length", Integer.toString(random.nextInt()));
        }
        return event("odd-content-type", headers, validForm(junkJwt(), anyType()), false);
    }

    /** A subject token type from {@link #TOKEN_TYPES}, recorded as the case's. */
    private String anyType() {
        return typed(pick(TOKEN_TYPES));
    }

    /** Records the case's subject token type. */
    private String typed(String type) {
        tokenType = type;
        return type;
    }

    private String signed(String claims) {
        return random.nextBoolean()
                ? TestTokens.signRaw("{\"alg\":\"ES256\",\"kid\":\"" + ecKey.getKeyID() + "\"}",
                        claims, ecKey)
                : TestTokens.signRaw("{\"alg\":\"RS256\",\"kid\":\"" + rsaKey.getKeyID() + "\"}",
                        claims, rsaKey);
    }

    private String junkJwt() {
        return b64(pick(HEADERS)) + "." + b64("{\"iss\":\"" + ISSUER + "\",\"sub\":"
                + pick(ODD_VALUES) + "}") + "." + Base64URL.encode(randomBytes(64));
    }

    private static String validForm(String token, String tokenType) {
        return "grant_type=" + enc(GRANT) + "&subject_token=" + enc(token)
                + "&subject_token_type=" + enc(tokenType);
    }

    private FuzzCase form(String label, String body) {
        return event(label, Map.of("content-type", FORM), body, false);
    }

    private FuzzCase event(String label, Map<String, String> headers, String body,
            boolean base64) {
        String named = tokenType == null ? label : label + " as '" + tokenType + "'";
        return new FuzzCase(generator, named, tokenType, FuzzHarness.event("POST", "/token",
                new HashMap<>(headers), body, base64));
    }

    private String insertAt(String text, String insert) {
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + insert + text.substring(at);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Printable and control ASCII, the characters a broken client would send. */
    private String ascii(int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) random.nextInt(128));
        }
        return out.toString();
    }

    private static String percentBytes(byte[] bytes) {
        var out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            out.append('%').append(String.format("%02X", b & 0xFF));
        }
        return out.toString();
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
