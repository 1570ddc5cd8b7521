// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * The same end-to-end suite against LocalStack's DynamoDB, KMS and STS. Needs a Docker engine:
 * where there is none, Testcontainers disables the whole class ("disabledWithoutDocker is true
 * and Docker is not available"), as on the build machines without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackEndToEndTest extends LambdaEndToEndSuite {

    // Pinned: images after 3.8 (the 4.x line) want a LocalStack auth token to start.
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8");

    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(IMAGE).withServices("dynamodb", "kms", "sts");

    @Override
    Endpoints endpoints() {
        var endpoint = LOCALSTACK.getEndpoint();
        return new Endpoints(endpoint, endpoint, endpoint, LOCALSTACK.getRegion(),
                LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey(), null);
    }

    @Override
    String createSigningKey(String algorithm) {
        try (KmsClient kms = KmsClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            return kms.createKey(key -> key.keyUsage(KeyUsageType.SIGN_VERIFY)
                    .keySpec("ES256".equals(algorithm) ? KeySpec.ECC_NIST_P256 : KeySpec.RSA_2048))
                    .keyMetadata().arn();
        }
    }

    @Override
    String createRole(String name) {
        // LocalStack's STS assumes any role ARN of its default account.
        return "arn:aws:iam::000000000000:role/" + name;
    }
}
