// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

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

/**
 * {@link DynamoDbPolicyStore} against LocalStack's DynamoDB, the same contract as on dynalite.
 * Runs wherever a Docker engine does; skipped cleanly (the whole class) where none does, as on
 * the machines that build Vend.
 */
@Testcontainers(disabledWithoutDocker = true)
class DynamoDbPolicyStoreLocalStackTest extends DynamoDbPolicyStoreContract {

    // Pinned on purpose: newer images refuse to start without a LOCALSTACK_AUTH_TOKEN.
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8");

    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(IMAGE).withServices("dynamodb");

    private static DynamoDbClient client;
    private static String tableName;

    @BeforeAll
    static void createTable() {
        var credentials = AwsBasicCredentials.create(
                LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey());
        client = DynamoDbClients.builder(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
        tableName = "policies-" + UUID.randomUUID().toString().substring(0, 12);
        PolicyTables.create(client, tableName);
    }

    @AfterAll
    static void deleteTable() {
        if (client != null) {
            PolicyTables.delete(client, tableName);
            client.close();
        }
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
