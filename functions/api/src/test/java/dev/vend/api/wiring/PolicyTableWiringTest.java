// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vend.audit.AuditLog;
import dev.vend.aws.policy.DynamoDbPolicyStore;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code vend.policy-table} wiring: with a table the assembly reads policies from DynamoDB (and
 * needs no folder); without one it reads the folder, as the local server does.
 */
@ExtendWith(DynaliteExtension.class)
class PolicyTableWiringTest {

    @TempDir
    Path dir;

    private VendSettings settings(@Nullable String policiesFolder, @Nullable String table,
            @Nullable String endpoint) {
        return new VendSettings("https://vend.test", null, policiesFolder,
                dir.resolve("state").toString(), "ES256", null, null, endpoint, 300, 3600, null,
                table, null, null, null, null, null);
    }

    private static VendAssembly.Environment environment() {
        return new VendAssembly.Environment(Clock.systemUTC(), new InMemorySingleUseStore(),
                AuditLog.discarding(), HttpsFetcher.withDefaultTrust());
    }

    private static KmsClient noKms() {
        throw new AssertionError("no KMS client is needed");
    }

    @Test
    void buildWhenPolicyTableSetThenReadsPoliciesFromDynamoDbWithoutAFolder(Dynalite dynalite) {
        var built = new AtomicInteger();
        try (DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.of(Dynalite.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        Dynalite.ACCESS_KEY_ID, Dynalite.SECRET_ACCESS_KEY)))
                .build()) {
            VendAssembly assembly = VendAssembly.build(
                    settings(null, "vend-policies", dynalite.endpoint().toString()),
                    environment(), PolicyTableWiringTest::noKms, () -> {
                        built.incrementAndGet();
                        return client;
                    });

            assertThat(assembly.policies()).isInstanceOf(DynamoDbPolicyStore.class)
                    .hasToString("DynamoDbPolicyStore[vend-policies]");
            assertThat(built).hasValue(1);
        }
    }

    @Test
    void contextWhenPolicyTablePropertySetThenTheAssemblyReadsTheTable() {
        // What the Lambda function gets from VEND_POLICY_TABLE; the client is built lazily, so
        // starting the context calls no DynamoDB.
        Map<String, Object> properties = Map.of(
                "vend.issuer-url", "https://vend.test",
                "vend.state-dir", dir.resolve("state").toString(),
                "vend.policy-table", "vend-policies");
        try (ApplicationContext context = ApplicationContext.builder()
                .properties(properties).start()) {
            assertThat(context.getBean(VendSettings.class).policyTable())
                    .isEqualTo("vend-policies");
            assertThat(context.getBean(VendAssembly.class).policies())
                    .isInstanceOf(DynamoDbPolicyStore.class);
        }
    }

    @Test
    void buildWhenNoPolicyTableThenReadsTheFolderAndBuildsNoDynamoDbClient() throws IOException {
        Path policies = Files.createDirectories(dir.resolve("policies"));

        VendAssembly assembly = VendAssembly.build(settings(policies.toString(), null, null),
                environment(), PolicyTableWiringTest::noKms, () -> {
                    throw new AssertionError("no DynamoDB client is needed");
                });

        assertThat(assembly.policies()).isInstanceOf(FolderPolicyStore.class);
    }

    @Test
    void buildWhenNeitherFolderNorTableThenRefusedNamingBothSettings() {
        assertThatThrownBy(() -> VendAssembly.build(settings(null, " ", null), environment()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e ->
                        assertThat(e.problems()).contains("vend.policies-folder or "
                                + "vend.policy-table (VEND_POLICY_TABLE) is required"));
    }
}
