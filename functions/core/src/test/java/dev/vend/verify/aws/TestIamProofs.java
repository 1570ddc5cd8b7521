// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

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
final class TestIamProofs {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final StsFake.Principal principal;
    private String host = "sts.us-east-1.amazonaws.com";
    private String region = "us-east-1";
    private String challenge;
    private String serverId;
    private Instant signedAt;
    private boolean withToken = true;
    private String secret;
    private final Map<String, String> extraSigned = new LinkedHashMap<>();
    private boolean signChallenge = true;

    TestIamProofs(StsFake.Principal principal, String challenge, String serverId,
            Instant signedAt) {
        this.principal = principal;
        this.challenge = challenge;
        this.serverId = serverId;
        this.signedAt = signedAt;
        this.secret = principal.secret();
    }

    TestIamProofs host(String host, String region) {
        this.host = host;
        this.region = region;
        return this;
    }

    TestIamProofs serverId(String serverId) {
        this.serverId = serverId;
        return this;
    }

    TestIamProofs signedAt(Instant signedAt) {
        this.signedAt = signedAt;
        return this;
    }

    TestIamProofs secret(String secret) {
        this.secret = secret;
        return this;
    }

    TestIamProofs withoutToken() {
        this.withToken = false;
        return this;
    }

    TestIamProofs alsoSign(String header, String value) {
        extraSigned.put(header, value);
        return this;
    }

    TestIamProofs challengeNotSigned() {
        this.signChallenge = false;
        return this;
    }

    ObjectNode node() {
        String date = AMZ_DATE.format(signedAt);
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", StsRequestRebuilder.CONTENT_TYPE);
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
                region, headers, StsRequestRebuilder.BODY));
        proof.put("amz_date", date);
        if (withToken) {
            proof.put("security_token", principal.sessionToken());
        }
        return proof;
    }

    String json() {
        return node().toString();
    }
}
