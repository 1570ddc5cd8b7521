// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** Pins the tests' SigV4 to a signature botocore 1.43 computed for the same request. */
class TestSigV4Test {

    @Test
    void authorizationWhenBotocoreVectorThenSameSignature() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        headers.put("Host", "sts.us-east-1.amazonaws.com");
        headers.put("X-Amz-Date", "20261203T173202Z");
        headers.put("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLETOKEN");
        headers.put("X-Vend-Challenge", "abcdefghijklmnopqrstuvwxyz012345");
        headers.put("X-Vend-Server-Id", "https://vend.example");

        String authorization = TestSigV4.authorization("AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20261203T173202Z", "us-east-1",
                headers, "Action=GetCallerIdentity&Version=2011-06-15");

        assertThat(authorization).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/"
                + "us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                + "x-amz-security-token;x-vend-challenge;x-vend-server-id, Signature="
                + "be3b7724ce6fd4e385037e68189d8a8997faf8567b69148e5ccd34848bd5eb3b");
    }
}
