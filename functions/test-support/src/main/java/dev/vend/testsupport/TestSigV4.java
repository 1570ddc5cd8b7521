// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for the tests
 * (<a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html">Create a
 * signed AWS API request</a>): a workload signing its {@code GetCallerIdentity} request, and an
 * STS fake checking it. Both sides use this one implementation, so its own test pins it to a
 * signature computed independently by botocore. Stateless and thread-safe.
 */
public final class TestSigV4 {

    private TestSigV4() {
    }

    /**
     * The signature of a POST to {@code /} with no query.
     *
     * @param headers every signed header, names in any case, values as sent
     * @param scope {@code yyyyMMdd/region/service/aws4_request}
     */
    public static String signature(String secret, String amzDate, String scope,
            Map<String, String> headers, String body) {
        String canonical = canonicalRequest(headers, body);
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonical);
        String[] parts = scope.split("/");
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), parts[0]);
        key = hmac(key, parts[1]);
        key = hmac(key, parts[2]);
        key = hmac(key, "aws4_request");
        return HexFormat.of().formatHex(hmac(key, toSign));
    }

    /** The Authorization header for these signed headers. */
    public static String authorization(String accessKey, String secret, String amzDate,
            String region, Map<String, String> headers, String body) {
        String scope = amzDate.substring(0, 8) + "/" + region + "/sts/aws4_request";
        String signed = String.join(";", lowerSorted(headers).keySet());
        return "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders="
                + signed + ", Signature=" + signature(secret, amzDate, scope, headers, body);
    }

    private static String canonicalRequest(Map<String, String> headers, String body) {
        var lower = lowerSorted(headers);
        var out = new StringBuilder("POST\n/\n\n");
        lower.forEach((name, value) -> out.append(name).append(':').append(value).append('\n'));
        out.append('\n').append(String.join(";", lower.keySet())).append('\n')
                .append(sha256Hex(body));
        return out.toString();
    }

    private static TreeMap<String, String> lowerSorted(Map<String, String> headers) {
        var lower = new TreeMap<String, String>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT),
                value.strip().replaceAll(" +", " ")));
        return lower;
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
