// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * {@link KmsSignerContract} against LocalStack's KMS. Runs wherever a Docker engine does; skipped
 * cleanly (the whole class) where none does, as on the machines that build Vend.
 */
@Testcontainers(disabledWithoutDocker = true)
class KmsSignerLocalStackTest extends KmsSignerContract {

    // Pinned on purpose: newer localstack/localstack images (latest, 2026.x) refuse to start
    // without a LOCALSTACK_AUTH_TOKEN; 3.8 runs KMS without one.
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8");

    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(IMAGE).withServices("kms");

    private static KmsClient kms;
    private static String ecArn;
    private static String rsaArn;

    @BeforeAll
    static void createKeys() {
        kms = KmsClients.builder(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build();
        ecArn = create(KeySpec.ECC_NIST_P256);
        rsaArn = create(KeySpec.RSA_2048);
    }

    @AfterAll
    static void close() {
        if (kms != null) {
            kms.close();
        }
    }

    private static String create(KeySpec spec) {
        return kms.createKey(CreateKeyRequest.builder().keySpec(spec)
                .keyUsage(KeyUsageType.SIGN_VERIFY).build()).keyMetadata().arn();
    }

    @Override
    KmsClient kms() {
        return kms;
    }

    @Override
    String ecKeyArn() {
        return ecArn;
    }

    @Override
    String rsaKeyArn() {
        return rsaArn;
    }
}
