// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the {@link DynamoDbClient} Vend's DynamoDB stores use: the JDK's
 * {@code HttpURLConnection} ({@link UrlConnectionHttpClient}, no Apache or Netty in the jar), the
 * SDK's default credentials provider chain, the default region provider chain ({@code AWS_REGION}
 * in Lambda), the standard retry mode, and explicit time limits so a slow or unreachable
 * DynamoDB costs a request at most {@link #API_CALL_TIMEOUT}.
 *
 * <p>Credentials are resolved by the chain on every call (and refreshed by it), never read from
 * environment variables once and kept in a static provider: a SnapStart snapshot would freeze
 * such credentials, and they expire.
 *
 * <p>The client is thread-safe and meant to be built once per execution environment and shared;
 * closing it closes its HTTP client. This class is stateless and thread-safe.
 */
public final class DynamoDbClients {

    /** Time limit of one HTTP attempt, retries not included: 2 s. */
    public static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /** Time limit of one API call, retries and back-off included: 3 s. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(3);
    /** Time limit to open a TCP (and TLS) connection: 1 s. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(1);

    private DynamoDbClients() {
    }

    /**
     * A client with Vend's settings.
     *
     * @param endpointOverride the DynamoDB endpoint to use instead of the region's (dynalite,
     *     LocalStack, a VPC endpoint), or null for the region's own
     * @throws software.amazon.awssdk.core.exception.SdkClientException if no region is configured
     */
    public static DynamoDbClient create(@Nullable URI endpointOverride) {
        return builder(endpointOverride).build();
    }

    /**
     * A builder with Vend's settings, for callers that must set more (a region, test
     * credentials). Replacing the override configuration drops the time limits: start from
     * {@link #overrideConfiguration()} instead.
     *
     * @param endpointOverride as for {@link #create(URI)}; null for the region's own
     */
    public static DynamoDbClientBuilder builder(@Nullable URI endpointOverride) {
        return withVendSettings(DynamoDbClient.builder(), endpointOverride);
    }

    /**
     * Gives the builder of any AWS SDK client (DynamoDB, KMS, STS) Vend's settings: the JDK HTTP
     * client with the connection and attempt time limits, the default credentials chain, the
     * {@link #overrideConfiguration()}, and the endpoint override when one is given.
     *
     * @param builder a new client builder
     * @param endpointOverride the endpoint to use instead of the region's, or null
     * @return the same builder
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B
            withVendSettings(B builder, @Nullable URI endpointOverride) {
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECTION_TIMEOUT)
                        .socketTimeout(API_CALL_ATTEMPT_TIMEOUT))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(overrideConfiguration().build());
        if (endpointOverride != null) {
            builder.endpointOverride(endpointOverride);
        }
        return builder;
    }

    /**
     * Vend's override configuration: the time limits above and the standard retry mode (at most
     * three attempts, all within {@link #API_CALL_TIMEOUT}). Add to it, for example an execution
     * interceptor, and pass the result to {@link DynamoDbClientBuilder#overrideConfiguration}.
     */
    public static ClientOverrideConfiguration.Builder overrideConfiguration() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
                .apiCallTimeout(API_CALL_TIMEOUT)
                .retryStrategy(RetryMode.STANDARD);
    }
}
