// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import dev.vend.testsupport.FakeKms;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@link KmsSignerContract} against {@link FakeKms}, through the real SDK client. */
class KmsSignerFakeTest extends KmsSignerContract {

    private static FakeKms fake;
    private static KmsClient kms;
    private static String ecArn;
    private static String rsaArn;

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        kms = client(fake.endpoint());
        ecArn = fake.createEcP256Key();
        rsaArn = fake.createRsa2048Key();
    }

    @AfterAll
    static void stop() {
        kms.close();
        fake.close();
    }

    /** A client with Vend's settings, pointed at an endpoint with test credentials. */
    static KmsClient client(URI endpoint) {
        return KmsClients.builder(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDKMSTEST", "kms-test-secret")))
                .build();
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
