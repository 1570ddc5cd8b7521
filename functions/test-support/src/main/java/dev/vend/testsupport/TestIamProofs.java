// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IAM proofs as a workload makes them: a {@code GetCallerIdentity} request signed with SigV4 by
 * test credentials, carrying the challenge and Vend's server id in signed headers, sent to Vend
 * as the JSON of docs/api.md. Not thread-safe; one builder per proof.
 */
public final class TestIamProofs {

    /** A plain Jackson mapper, for tests that build or edit proof and bundle JSON. */
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The content type of a {@code GetCallerIdentity} request in the query protocol. */
    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
    /** The form body of a {@code GetCallerIdentity} request. */
    public static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final TestAwsPrincipal principal;
    private String host = "sts.us-east-1.amazonaws.com";
    private String region = "us-east-1";
    private String challenge;
    private String serverId;
    private Instant signedAt;
    private boolean withToken = true;
    private String secret;
    private final Map<String, String> extraSigned = new LinkedHashMap<>();
    private boolean signChallenge = true;

    /**
     * A proof signed at {@code signedAt} for {@code sts.us-east-1.amazonaws.com}, carrying and
     * signing the principal's session token unless {@link #withoutToken()} is called.
     *
     * @param principal whose credentials sign
     * @param challenge the value of the signed {@code X-Vend-Challenge} header
     * @param serverId the value of the signed {@code X-Vend-Server-Id} header
     * @param signedAt the {@code X-Amz-Date}
     */
    public TestIamProofs(TestAwsPrincipal principal, String challenge, String serverId,
            Instant signedAt) {
        this.principal = principal;
        this.challenge = challenge;
        this.serverId = serverId;
        this.signedAt = signedAt;
        this.secret = principal.secret();
    }

    /** Signs for this STS host, in this region's credential scope. */
    public TestIamProofs host(String host, String region) {
        this.host = host;
        this.region = region;
        return this;
    }

    /** Signs this {@code X-Vend-Server-Id} instead. */
    public TestIamProofs serverId(String serverId) {
        this.serverId = serverId;
        return this;
    }

    /** Signs at this instant instead. */
    public TestIamProofs signedAt(Instant signedAt) {
        this.signedAt = signedAt;
        return this;
    }

    /** Signs with this secret instead of the principal's (a wrong one, say). */
    public TestIamProofs secret(String secret) {
        this.secret = secret;
        return this;
    }

    /** Neither sends nor signs a session token, as long-term credentials sign. */
    public TestIamProofs withoutToken() {
        this.withToken = false;
        return this;
    }

    /** Signs one more header, which the proof does not carry. */
    public TestIamProofs alsoSign(String header, String value) {
        extraSigned.put(header, value);
        return this;
    }

    /** Carries the challenge in the proof but leaves it out of the signed headers. */
    public TestIamProofs challengeNotSigned() {
        this.signChallenge = false;
        return this;
    }

    /** The proof as a JSON object. */
    public ObjectNode node() {
        String date = AMZ_DATE.format(signedAt);
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", CONTENT_TYPE);
        headers.put("Host", host);
        headers.put("X-Amz-Date", date);
        if (withToken) {
            headers.put("X-Amz-Security-Token", principal.sessionToken());
        }
        if (signChallenge) {
            headers.put("X-Vend-Challenge", challenge);
        }
        headers.put("X-Vend-Server-Id", serverId);
        headers.putAll(extraSigned);
        ObjectNode proof = JSON.createObjectNode();
        proof.put("host", host);
        proof.put("challenge", challenge);
        proof.put("authorization", TestSigV4.authorization(principal.accessKey(), secret, date,
                region, headers, BODY));
        proof.put("amz_date", date);
        if (withToken) {
            proof.put("security_token", principal.sessionToken());
        }
        return proof;
    }

    /** The proof as JSON text, the subject token of an IAM proof. */
    public String json() {
        return node().toString();
    }
}
