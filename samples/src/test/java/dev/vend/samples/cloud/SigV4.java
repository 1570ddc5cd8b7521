// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.cloud;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SigV4 verification as STS does it, for {@code POST /} with no query
 * (<a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html">Create a
 * signed AWS API request</a>): the canonical request is built from the headers the
 * {@code Authorization} names, with the values of the request as sent. {@link SigV4Test} pins it
 * to a signature botocore computed.
 */
final class SigV4 {

    /** The shape Vend's StsRequestRebuilder accepts. */
    static final Pattern VEND_SHAPE = Pattern.compile("AWS4-HMAC-SHA256 "
            + "Credential=([A-Z0-9]{16,128})/([0-9]{8})/([a-z0-9-]{1,32})/sts/aws4_request, ?"
            + "SignedHeaders=([a-z0-9;-]{1,256}), ?Signature=([0-9a-f]{64})");
    /** Any SigV4 {@code Authorization} for STS, as STS parses it. */
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 "
            + "Credential=([^/]+)/([0-9]{8})/([^/]+)/sts/aws4_request, ?"
            + "SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");

    private SigV4() {
    }

    /**
     * Whether the request's {@code Authorization} verifies with this secret.
     *
     * @param headers the request's headers (any case), {@code Authorization} included
     */
    static boolean verifies(Map<String, String> headers, String body, String secret) {
        var lower = new TreeMap<String, String>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        Matcher auth = AUTHORIZATION.matcher(lower.getOrDefault("authorization", ""));
        if (!auth.matches()) {
            return false;
        }
        String amzDate = lower.getOrDefault("x-amz-date", "");
        if (!amzDate.startsWith(auth.group(2))) {
            return false;
        }
        var canonical = new StringBuilder("POST\n/\n\n");
        for (String name : auth.group(4).split(";")) {
            String value = lower.get(name);
            if (value == null) {
                return false;
            }
            canonical.append(name).append(':').append(value.strip().replaceAll(" +", " "))
                    .append('\n');
        }
        canonical.append('\n').append(auth.group(4)).append('\n').append(sha256Hex(body));
        String scope = auth.group(2) + "/" + auth.group(3) + "/sts/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + sha256Hex(canonical.toString());
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), auth.group(2));
        key = hmac(key, auth.group(3));
        key = hmac(key, "sts");
        key = hmac(key, "aws4_request");
        return MessageDigest.isEqual(HexFormat.of().formatHex(hmac(key, toSign))
                .getBytes(StandardCharsets.US_ASCII),
                auth.group(5).getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
