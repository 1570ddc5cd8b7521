// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A refused connection counts as a timed-out store only when the store refused it: a real SDK
 * client whose credentials provider can not reach its own endpoint fails with the same
 * {@link ConnectException} underneath, and that is not the store's outage (ADR 0011).
 */
class AwsFailuresCredentialsTest {

    private static int closedPort;

    @BeforeAll
    static void findClosedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    @Test
    void isTimeoutWhenTheStoreRefusesTheConnectionThenTrue() {
        SdkException failure = listTables(StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")));

        assertThat(causes(failure, ConnectException.class)).isTrue();
        assertThat(AwsFailures.isTimeout(failure)).isTrue();
    }

    @Test
    void isTimeoutWhenTheCredentialsEndpointRefusesTheConnectionThenFalse() {
        var credentials = InstanceProfileCredentialsProvider.builder()
                .endpoint("http://127.0.0.1:" + closedPort).build();

        SdkException failure = listTables(credentials);

        assertThat(causes(failure, ConnectException.class)).isTrue();
        assertThat(AwsFailures.isTimeout(failure)).isFalse();
        assertThat(AwsFailures.isThrottling(failure)).isFalse();
    }

    private static SdkException listTables(AwsCredentialsProvider credentials) {
        try (var client = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            return catchThrowableOfType(SdkException.class, client::listTables);
        }
    }

    private static boolean causes(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return true;
            }
        }
        return false;
    }
}
