// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.singleuse;

import dev.vend.aws.DynamoDbClients;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * {@link DynamoDbSingleUseStore} against LocalStack's DynamoDB, the same contract as on dynalite.
 * Runs wherever a Docker engine does; skipped cleanly (the whole class) where none does, as on
 * the machines that build Vend.
 */
@Testcontainers(disabledWithoutDocker = true)
class DynamoDbSingleUseStoreLocalStackTest extends DynamoDbSingleUseStoreContract {

    // Pinned on purpose: newer localstack/localstack images (latest, 2026.x) refuse to start
    // without a LOCALSTACK_AUTH_TOKEN; 3.8 runs DynamoDB without one.
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8");

    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(IMAGE).withServices("dynamodb");

    private static DynamoDbClient client;
    private static String tableName;

    @BeforeAll
    static void createTable() {
        client = localStackClient().build();
        tableName = "single-use-" + UUID.randomUUID().toString().substring(0, 12);
        SingleUseTables.create(client, tableName);
    }

    @AfterAll
    static void deleteTable() {
        if (client != null) {
            SingleUseTables.delete(client, tableName);
            client.close();
        }
    }

    private static DynamoDbClientBuilder localStackClient() {
        var credentials = AwsBasicCredentials.create(
                LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey());
        return DynamoDbClients.builder(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials));
    }

    @Override
    DynamoDbClientBuilder clientBuilder() {
        return localStackClient();
    }

    @Override
    DynamoDbClient client() {
        return client;
    }

    @Override
    String tableName() {
        return tableName;
    }
}
