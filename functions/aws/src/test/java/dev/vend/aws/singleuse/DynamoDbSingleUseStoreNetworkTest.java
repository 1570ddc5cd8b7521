// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.aws.DynamoDbClients;
import dev.vend.verify.FailureKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@link DynamoDbSingleUseStore} when DynamoDB can not be reached: the failure is transient and
 * comes within the client's call timeout, whatever the network does.
 */
class DynamoDbSingleUseStoreNetworkTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Instant IN_FIVE_MINUTES = NOW.plus(Duration.ofMinutes(5));
    // Generous: the bound guards against a hang, not a slow machine (speed is for benchmarks).
    private static final Duration BOUND = DynamoDbClients.API_CALL_TIMEOUT.plusSeconds(7);

    @Test
    void consumeWhenEndpointRefusesConnectionsThenTransientWithinBoundedTime() throws IOException {
        var port = closedPort();
        try (var client = clientFor(port)) {
            var store = new DynamoDbSingleUseStore(client, "single-use");
            var started = System.nanoTime();

            var failure = assertFails(() -> store.consume("challenge:abc", IN_FIVE_MINUTES, NOW),
                    FailureKind.TRANSIENT);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
            assertThat(failure.getMessage()).contains("SdkClientException");
            assertNeverShows(failure, Integer.toString(port));
            assertNeverShows(failure, "refused");
        }
    }

    @Test
    void consumeWhenEndpointNeverAnswersThenTransientWithinTheCallTimeout() throws IOException {
        // Connections complete in the kernel's backlog, but nothing ever reads or answers.
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                var client = clientFor(silent.getLocalPort())) {
            var store = new DynamoDbSingleUseStore(client, "single-use");
            var started = System.nanoTime();

            var failure = assertFails(() -> store.consume("challenge:abc", IN_FIVE_MINUTES, NOW),
                    FailureKind.TRANSIENT);

            var elapsed = Duration.ofNanos(System.nanoTime() - started);
            assertThat(elapsed).isLessThan(BOUND);
            assertThat(elapsed).isGreaterThanOrEqualTo(DynamoDbClients.API_CALL_ATTEMPT_TIMEOUT);
            assertThat(failure.getMessage()).containsPattern("ApiCall(Attempt)?TimeoutException");
        }
    }

    private static DynamoDbClient clientFor(int port) {
        var credentials = AwsBasicCredentials.create("AKIDNETWORKTEST", "network-test-secret");
        return DynamoDbClients.builder(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    /** A loopback port that was free a moment ago and has no listener now. */
    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
