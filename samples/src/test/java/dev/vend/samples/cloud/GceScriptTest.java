// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * samples/gce/vend-gce.sh against a fake metadata server and a fake Vend: the identity token is
 * requested for {@code <audience>?challenge=<challenge>} with {@code format=full}, and sent as
 * a JWT subject token.
 */
class GceScriptTest {

    private static final String SCRIPT = "gce/vend-gce.sh";
    private static final String IDENTITY_PATH =
            "/computeMetadata/v1/instance/service-accounts/default/identity";
    private static final String IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJnY2UiOiJmYWtlIn0.c2ln";

    private CloudFakes fakes;

    @BeforeEach
    void start() throws Exception {
        Scripts.requireTools("bash", "curl");
        fakes = new CloudFakes();
        fakes.metadata(IDENTITY_PATH, exchange -> {
            boolean google = "Google".equals(exchange.getRequestHeaders()
                    .getFirst("Metadata-Flavor"));
            CloudFakes.send(exchange, google ? 200 : 403, google ? IDENTITY_TOKEN : "");
        });
    }

    @AfterEach
    void stop() {
        if (fakes != null) {
            fakes.close();
        }
    }

    @Test
    void exchangeWhenAudienceSetThenChallengeBoundInItAndTokenSentAsJwt() throws Exception {
        Scripts.Run run = Scripts.run(SCRIPT, env("https://vend.example.com"),
                "https://api.example.com", "deploy");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout().strip()).isEqualTo(CloudFakes.ACCESS_TOKEN);
        assertThat(fakes.metadataRequests).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.header("Metadata-Flavor")).isEqualTo("Google");
            assertThat(request.query()).containsOnly(
                    Map.entry("audience",
                            "https://vend.example.com?challenge=" + CloudFakes.CHALLENGE),
                    Map.entry("format", "full"));
        });
        assertThat(fakes.tokenForm())
                .containsEntry("subject_token", IDENTITY_TOKEN)
                .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")
                .containsEntry("audience", "https://api.example.com")
                .containsEntry("scope", "deploy");
        assertThat(run.stdout() + run.stderr()).doesNotContain(IDENTITY_TOKEN);
        assertThat(fakes.vendRequests).extracting(CloudFakes.Received::path)
                .containsExactly("/challenge", "/token");
    }

    @Test
    void exchangeWhenNoAudienceSetThenVendUrlIsTheAudience() throws Exception {
        Scripts.Run run = Scripts.run(SCRIPT, env(null));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(fakes.metadataRequests).singleElement().satisfies(request ->
                assertThat(request.query()).containsEntry("audience",
                        fakes.vendUrl() + "?challenge=" + CloudFakes.CHALLENGE));
        assertThat(fakes.tokenForm()).doesNotContainKeys("audience", "scope");
    }

    private Map<String, String> env(String audience) {
        var env = new LinkedHashMap<String, String>();
        env.put("VEND_URL", fakes.vendUrl());
        env.put("VEND_METADATA_URL", fakes.metadataUrl());
        if (audience != null) {
            env.put("VEND_AUDIENCE", audience);
        }
        return env;
    }
}
