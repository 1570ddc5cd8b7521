// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class DynamoDbClientsTest {

    @Test
    void builderWhenEndpointGivenThenClientUsesItWithVendsTimeouts() {
        var endpoint = URI.create("http://127.0.0.1:8000");

        try (var client = DynamoDbClients.builder(endpoint).region(Region.EU_WEST_1).build()) {
            var configuration = client.serviceClientConfiguration();
            var override = configuration.overrideConfiguration();

            assertThat(configuration.endpointOverride()).contains(endpoint);
            assertThat(override.apiCallAttemptTimeout()).contains(Duration.ofSeconds(2));
            assertThat(override.apiCallTimeout()).contains(Duration.ofSeconds(3));
        }
    }

    @Test
    void builderWhenNoEndpointThenRegionalEndpoint() {
        try (var client = DynamoDbClients.builder(null).region(Region.EU_WEST_1).build()) {
            assertThat(client.serviceClientConfiguration().endpointOverride()).isEmpty();
        }
    }
}
