// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import dev.vend.model.Attestation;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.VerifierRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses an RFC 8693 §2.1 token exchange request from its form body
 * ({@code application/x-www-form-urlencoded}, RFC 6749 Appendix B). Parameters other than
 * {@code audience} and {@code resource} may appear once; {@code resource} is treated as
 * {@code audience}; {@code actor_token} is refused. Only the request's shape is checked here.
 */
public final class TokenExchangeForm {

    /** The largest body accepted, in bytes (checked before parsing). */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    /** RFC 8693 §2.1 grant type. */
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

    private static final Set<String> REPEATABLE = Set.of("audience", "resource");

    private TokenExchangeForm() {
    }

    /**
     * Whether a Content-Type header names a form body, in any letter case, with no charset or
     * UTF-8.
     */
    public static boolean isFormContentType(String contentType) {
        String[] parts = contentType.split(";");
        if (!"application/x-www-form-urlencoded".equals(parts[0].trim().toLowerCase(Locale.ROOT))) {
            return false;
        }
        // The form is read as UTF-8 (RFC 6749 Appendix B); any other declared charset is refused
        // rather than decoded two ways.
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if ("charset".equalsIgnoreCase(parameter[0].trim()) && (parameter.length < 2
                    || !"utf-8".equalsIgnoreCase(parameter[1].trim().replace("\"", "")))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses the body.
     *
     * @param body the decoded body text
     * @param requestId the id assigned to this request
     * @throws DenialException with a {@link DenialReason.Category#REQUEST} reason
     */
    public static TokenRequest parse(String body, String requestId) {
        if (body.length() > MAX_BODY_BYTES) {
            // The API checks the byte size first; this keeps parse bounded for any other caller.
            throw denial(DenialReason.REQUEST_TOO_LARGE, "body");
        }
        Map<String, List<String>> params = decode(body);
        String grantType = single(params, "grant_type");
        if (!GRANT_TYPE.equals(grantType)) {
            throw denial(DenialReason.UNSUPPORTED_GRANT_TYPE, "grant_type");
        }
        if (params.containsKey("actor_token") || params.containsKey("actor_token_type")) {
            throw denial(DenialReason.ACTOR_TOKEN_NOT_SUPPORTED, "actor_token");
        }
        String token = single(params, "subject_token");
        String tokenType = single(params, "subject_token_type");
        if (!VerifierRegistry.knownTokenType(tokenType)) {
            throw denial(DenialReason.UNSUPPORTED_SUBJECT_TOKEN_TYPE, "subject_token_type");
        }
        String requested = optional(params, "requested_token_type");
        if (requested != null && !TokenTypes.ACCESS_TOKEN.equals(requested)
                && !TokenTypes.AWS_CREDENTIALS.equals(requested)) {
            throw denial(DenialReason.UNSUPPORTED_REQUESTED_TOKEN_TYPE, "requested_token_type");
        }
        return new TokenRequest(requestId, new Attestation(tokenType, token),
                audiences(params), scopes(params), requested);
    }

    private static Map<String, List<String>> decode(String body) {
        var params = new LinkedHashMap<String, List<String>>();
        if (body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = urlDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : urlDecode(pair.substring(eq + 1));
            List<String> values = params.computeIfAbsent(name, key -> new ArrayList<>());
            values.add(value);
            if (values.size() > 1 && !REPEATABLE.contains(name)) {
                throw denial(DenialReason.REPEATED_PARAMETER, name);
            }
        }
        return params;
    }

    /**
     * Decodes one name or value (RFC 6749 Appendix B: {@code +} is a space, {@code %XX} a byte)
     * strictly: every escape is two ASCII hex digits and the bytes are valid UTF-8, so one
     * parameter has one spelling. {@link java.net.URLDecoder} accepts {@code %+1} and replaces
     * invalid UTF-8 silently, so it is not used.
     */
    private static String urlDecode(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        var bytes = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '+') {
                bytes.write(' ');
            } else if (raw[i] == '%') {
                int high = i + 2 < raw.length ? hexDigit(raw[i + 1]) : -1;
                int low = i + 2 < raw.length ? hexDigit(raw[i + 2]) : -1;
                if (high < 0 || low < 0) {
                    throw denial(DenialReason.MALFORMED_REQUEST, "bad percent-encoding");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.write(raw[i]);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw denial(DenialReason.MALFORMED_REQUEST, "percent-encoding is not UTF-8");
        }
    }

    private static int hexDigit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private static String single(Map<String, List<String>> params, String name) {
        String value = optional(params, name);
        if (value == null) {
            throw denial(DenialReason.MISSING_PARAMETER, name);
        }
        return value;
    }

    private static String optional(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static List<String> audiences(Map<String, List<String>> params) {
        var audiences = new LinkedHashSet<String>();
        for (String name : List.of("audience", "resource")) {
            for (String value : params.getOrDefault(name, List.of())) {
                if (value.isEmpty()) {
                    throw denial(DenialReason.MALFORMED_REQUEST, name);
                }
                audiences.add(value);
            }
        }
        return List.copyOf(audiences);
    }

    private static Set<String> scopes(Map<String, List<String>> params) {
        String scope = optional(params, "scope");
        if (scope == null) {
            return Set.of();
        }
        // RFC 6749 §3.3: space-delimited scope tokens.
        return new LinkedHashSet<>(Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).toList());
    }

    private static DenialException denial(DenialReason reason, String parameter) {
        return new DenialException(reason, "parameter " + parameter);
    }
}
