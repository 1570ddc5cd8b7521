// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * samples/azure/vend-azure.sh against a fake IMDS and a fake Vend: the attested document is
 * requested with {@code nonce=<challenge>} and posted as IMDS served it.
 */
class AzureScriptTest {

    private static final String SCRIPT = "azure/vend-azure.sh";
    private static final String ATTESTED =
            "{\"encoding\":\"pkcs7\",\"signature\":\"MIILiQYJKoZIhvcNAQcCoIILejCCC3YCAQExDzAN+/=\"}";

    private CloudFakes fakes;
    private volatile int imdsStatus = 200;

    @BeforeEach
    void start() throws Exception {
        Scripts.requireTools("bash", "curl");
        fakes = new CloudFakes();
        fakes.metadata("/metadata/attested/document", exchange -> {
            boolean metadata = "true".equals(exchange.getRequestHeaders().getFirst("Metadata"));
            int status = metadata ? imdsStatus : 400;
            CloudFakes.send(exchange, status, status == 200 ? ATTESTED : "{\"error\":\"x\"}");
        });
    }

    @AfterEach
    void stop() {
        if (fakes != null) {
            fakes.close();
        }
    }

    @Test
    void exchangeWhenRunThenNonceIsTheChallengeAndDocumentPostedAsServed() throws Exception {
        Scripts.Run run = Scripts.run(SCRIPT, env(), "https://api.example.com", "deploy");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout().strip()).isEqualTo(CloudFakes.ACCESS_TOKEN);
        assertThat(fakes.metadataRequests).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.header("Metadata")).isEqualTo("true");
            assertThat(request.query()).containsOnly(Map.entry("api-version", "2021-02-01"),
                    Map.entry("nonce", CloudFakes.CHALLENGE));
        });
        assertThat(fakes.tokenForm())
                .containsEntry("subject_token", ATTESTED)
                .containsEntry("subject_token_type",
                        "urn:vend:params:oauth:token-type:azure-attested")
                .containsEntry("audience", "https://api.example.com")
                .containsEntry("scope", "deploy");
        assertThat(fakes.vendRequests).extracting(CloudFakes.Received::path)
                .containsExactly("/challenge", "/token");
    }

    @Test
    void exchangeWhenImdsFailsThenUnavailableAndNothingExchanged() throws Exception {
        imdsStatus = 500;

        Scripts.Run run = Scripts.run(SCRIPT, env());

        assertThat(run.status()).isEqualTo(3);
        assertThat(run.stdout()).isEmpty();
        assertThat(fakes.vendRequests).extracting(CloudFakes.Received::path)
                .containsExactly("/challenge");
    }

    private Map<String, String> env() {
        return Map.of("VEND_URL", fakes.vendUrl(), "VEND_IMDS_URL", fakes.metadataUrl());
    }
}
