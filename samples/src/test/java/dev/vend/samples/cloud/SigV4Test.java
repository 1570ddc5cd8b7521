// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the tests' SigV4 verification to a signature botocore 1.43 computed for Vend's rebuilt
 * request (the vector of functions/test-support's TestSigV4Test).
 */
class SigV4Test {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";
    private static final String SIGNATURE =
            "be3b7724ce6fd4e385037e68189d8a8997faf8567b69148e5ccd34848bd5eb3b";

    @Test
    void verifiesWhenBotocoreVectorThenTrue() {
        assertThat(SigV4.verifies(request(SIGNATURE), BODY, SECRET)).isTrue();
    }

    @Test
    void verifiesWhenSignatureOrSecretOrHeaderChangedThenFalse() {
        String tampered = SIGNATURE.substring(0, 63) + "c";
        assertThat(SigV4.verifies(request(tampered), BODY, SECRET)).isFalse();
        assertThat(SigV4.verifies(request(SIGNATURE), BODY, SECRET + "x")).isFalse();
        Map<String, String> otherServer = request(SIGNATURE);
        otherServer.put("X-Vend-Server-Id", "https://other.example");
        assertThat(SigV4.verifies(otherServer, BODY, SECRET)).isFalse();
    }

    private static Map<String, String> request(String signature) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        headers.put("Host", "sts.us-east-1.amazonaws.com");
        headers.put("X-Amz-Date", "20261203T173202Z");
        headers.put("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLETOKEN");
        headers.put("X-Vend-Challenge", "abcdefghijklmnopqrstuvwxyz012345");
        headers.put("X-Vend-Server-Id", "https://vend.example");
        headers.put("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/"
                + "us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                + "x-amz-security-token;x-vend-challenge;x-vend-server-id, Signature="
                + signature);
        return headers;
    }
}
