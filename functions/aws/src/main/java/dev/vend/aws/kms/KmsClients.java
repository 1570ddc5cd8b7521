// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import dev.vend.aws.DynamoDbClients;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * Builds the {@link KmsClient} Vend signs with, with the same settings as
 * {@link DynamoDbClients}: the JDK HTTP client, the default credentials and region provider
 * chains (credentials resolved per call, never frozen into a SnapStart snapshot), the standard
 * retry mode and the same time limits, so a slow KMS costs a request at most
 * {@link DynamoDbClients#API_CALL_TIMEOUT}.
 *
 * <p>Stateless and thread-safe; the client is thread-safe and meant to be shared.
 */
public final class KmsClients {

    private KmsClients() {
    }

    /**
     * A client with Vend's settings.
     *
     * @param endpointOverride a KMS endpoint to use instead of the region's (a fake, LocalStack,
     *     a VPC endpoint), or null
     */
    public static KmsClient create(@Nullable URI endpointOverride) {
        return builder(endpointOverride).build();
    }

    /** A builder with Vend's settings, for callers that must set more (region, credentials). */
    public static KmsClientBuilder builder(@Nullable URI endpointOverride) {
        return DynamoDbClients.withVendSettings(KmsClient.builder(), endpointOverride);
    }
}
