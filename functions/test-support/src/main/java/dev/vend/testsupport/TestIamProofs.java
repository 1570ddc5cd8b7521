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
 * AWS IAM proofs as a workload makes them: a {@code GetCallerIdentity} request signed with SigV4
 * ({@link TestSigV4}) by a {@link FakeSts.Principal}'s credentials, carrying the challenge and
 * Vend's server id in signed headers, sent to Vend as the JSON of {@code docs/api.md}. The host
 * defaults to {@code sts.us-east-1.amazonaws.com}; a test that lets Vend send the proof names
 * the fake's host with {@link #host(String, String)}. Not thread-safe; one builder per proof.
 */
public final class TestIamProofs {

    /** The mapper the builders use; handy for assembling bundles around a proof. */
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The one body Vend sends. */
    public static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";
    /** The one content type Vend sends. */
    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final FakeSts.Principal principal;
    private final String challenge;
    private String host = "sts.us-east-1.amazonaws.com";
    private String region = "us-east-1";
    private String serverId;
    private Instant signedAt;
    private boolean withToken;
    private String secret;
    private final Map<String, String> extraSigned = new LinkedHashMap<>();
    private boolean signChallenge = true;

    /**
     * A proof by this principal, for this challenge and server id, signed at this instant; with
     * the principal's session token when it has one.
     */
    public TestIamProofs(FakeSts.Principal principal, String challenge, String serverId,
            Instant signedAt) {
        this.principal = principal;
        this.challenge = challenge;
        this.serverId = serverId;
        this.signedAt = signedAt;
        this.secret = principal.secretKey();
        this.withToken = !principal.sessionToken().isEmpty();
    }

    /** Signs for this host ({@code name} or {@code name:port}) and credential-scope region. */
    public TestIamProofs host(String host, String region) {
        this.host = host;
        this.region = region;
        return this;
    }

    /** Signs another server id than Vend's. */
    public TestIamProofs serverId(String serverId) {
        this.serverId = serverId;
        return this;
    }

    /** Signs at another instant. */
    public TestIamProofs signedAt(Instant signedAt) {
        this.signedAt = signedAt;
        return this;
    }

    /** Signs with another secret than the principal's. */
    public TestIamProofs secret(String secret) {
        this.secret = secret;
        return this;
    }

    /** Leaves out the session token (neither signed nor sent). */
    public TestIamProofs withoutToken() {
        this.withToken = false;
        return this;
    }

    /** Signs one more header. */
    public TestIamProofs alsoSign(String header, String value) {
        extraSigned.put(header, value);
        return this;
    }

    /** Sends the challenge without signing it. */
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
        proof.put("authorization", TestSigV4.authorization(principal.accessKeyId(), secret, date,
                region, headers, BODY));
        proof.put("amz_date", date);
        if (withToken) {
            proof.put("security_token", principal.sessionToken());
        }
        return proof;
    }

    /** The proof as the subject token. */
    public String json() {
        return node().toString();
    }
}
