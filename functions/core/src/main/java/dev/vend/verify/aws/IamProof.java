// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The IAM proof as sent: the STS host it was signed for, the challenge it carries in the signed
 * {@code X-Vend-Challenge} header, and the three values Vend copies into the rebuilt request
 * ({@code Authorization}, {@code X-Amz-Date}, {@code X-Amz-Security-Token}). Nothing else of the
 * caller's request exists here, so nothing else can be forwarded. Parsing checks shapes only.
 *
 * @param host the STS host the request was signed for, as in its {@code Host} header
 * @param challenge the Vend challenge in the signed headers
 * @param authorization the SigV4 {@code Authorization} value
 * @param amzDate the {@code X-Amz-Date} value ({@code yyyyMMdd'T'HHmmss'Z'})
 * @param securityToken the {@code X-Amz-Security-Token} value, for temporary credentials
 */
record IamProof(String host, String challenge, String authorization, String amzDate,
        @Nullable String securityToken) {

    static final Set<String> MEMBERS =
            Set.of("host", "challenge", "authorization", "amz_date", "security_token");
    /** A host name, with a port only for a configured endpoint that names one. */
    private static final Pattern HOST = Pattern.compile("[a-z0-9.-]{1,253}(:[0-9]{1,5})?");
    private static final Pattern DATE = Pattern.compile("[0-9]{8}T[0-9]{6}Z");
    private static final Pattern VISIBLE = Pattern.compile("[\\x20-\\x7e]{1,1024}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+/=]{1,8192}");

    static IamProof parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw malformed("IAM proof is not a JSON object");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!MEMBERS.contains(name)) {
                throw malformed("unknown member in the IAM proof");
            }
        });
        String host = required(node, "host", HOST);
        String challenge = required(node, "challenge", VISIBLE);
        String authorization = required(node, "authorization", VISIBLE);
        String date = required(node, "amz_date", DATE);
        String token = node.has("security_token") ? required(node, "security_token", TOKEN) : null;
        return new IamProof(host, challenge, authorization, date, token);
    }

    private static String required(JsonNode node, String name, Pattern shape) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual() || !shape.matcher(value.asText()).matches()) {
            throw malformed("IAM proof member " + name + " is missing or ill-formed");
        }
        return value.asText();
    }

    private static DenialException malformed(String detail) {
        return new DenialException(DenialReason.MALFORMED_TOKEN, detail);
    }
}
