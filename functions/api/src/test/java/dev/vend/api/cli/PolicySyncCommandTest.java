// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import static dev.vend.api.cli.PolicyCli.vend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.DynaliteExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * {@code vend policy sync} against dynalite. The command takes credentials from the SDK's default
 * chain, so the test sets the chain's system properties to dynalite's dummies for its duration.
 */
@ExtendWith(DynaliteExtension.class)
class PolicySyncCommandTest {

    private static final Path POLICIES = PolicyCli.repo().resolve("policies");

    private static String endpoint;
    private static DynamoDbClient client;

    @TempDir
    Path dir;

    private String table;

    @BeforeAll
    static void startClient(Dynalite dynalite) {
        System.setProperty("aws.accessKeyId", Dynalite.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", Dynalite.SECRET_ACCESS_KEY);
        endpoint = dynalite.endpoint().toString();
        client = DynamoDbClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.of(Dynalite.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        Dynalite.ACCESS_KEY_ID, Dynalite.SECRET_ACCESS_KEY)))
                .build();
    }

    @AfterAll
    static void stopClient() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        client.close();
    }

    @BeforeEach
    void createTable() {
        table = Dynalite.uniqueTableName("policy-sync-cli");
        client.createTable(create -> create.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk")
                                .attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk")
                                .attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH)
                                .build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE)
                                .build()));
        // Dynalite reports the table as creating for a moment; the SDK waiter would back off 20 s.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (client.describeTable(describe -> describe.tableName(table)).table().tableStatus()
                != TableStatus.ACTIVE && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @AfterEach
    void deleteTable() {
        client.deleteTable(delete -> delete.tableName(table));
    }

    private PolicyCli.Run sync(Path folder, String... extra) {
        var args = new java.util.ArrayList<>(java.util.List.of("policy", "sync", folder.toString(),
                "--table", table, "--endpoint", endpoint, "--region", Dynalite.REGION));
        args.addAll(java.util.List.of(extra));
        return vend(args.toArray(String[]::new));
    }

    private Set<String> keys() {
        return client.scan(scan -> scan.tableName(table).consistentRead(true)).items().stream()
                .map(item -> item.get("pk").s() + " " + item.get("sk").s())
                .collect(Collectors.toSet());
    }

    @Test
    void syncWhenDryRunThenPrintsTheChangesAndWritesNothing() {
        var run = sync(POLICIES, "--dry-run");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.lines()).containsExactly(
                run.lines().get(0), run.lines().get(1),
                "dry run: 2 change(s) to " + table + ", nothing written");
        assertThat(run.lines().get(0)).startsWith("put github-actions#1001 github-example-deploy "
                + "(new, version ");
        assertThat(run.lines().get(1)).startsWith("put gitlab-com#2001 gitlab-example-deploy ");
        assertThat(keys()).isEmpty();
    }

    @Test
    void syncWhenRunThenTableHoldsTheFolderAndASecondRunChangesNothing() {
        var first = sync(POLICIES);
        var second = sync(POLICIES);

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(keys()).containsExactlyInAnyOrder("github-actions#1001 github-example-deploy",
                "gitlab-com#2001 gitlab-example-deploy");
        assertThat(second.lines()).containsExactly("synced 2 policies to " + table
                + ": 0 change(s)");
    }

    @Test
    void syncWhenPolicyRemovedFromFolderThenDeletesItsItem() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("policies"));
        Files.copy(POLICIES.resolve("github-actions-example.yaml"),
                folder.resolve("github-actions-example.yaml"));
        Path gitlab = Files.copy(POLICIES.resolve("gitlab-com-example.yaml"),
                folder.resolve("gitlab-com-example.yaml"));
        sync(folder);
        Files.delete(gitlab);

        var run = sync(folder);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.lines().get(0)).startsWith("delete gitlab-com#2001 gitlab-example-deploy");
        assertThat(keys()).containsExactly("github-actions#1001 github-example-deploy");
    }

    @Test
    void syncWhenFolderHasProblemsThenWritesNothingAndExitsOne() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("policies"));
        Files.copy(POLICIES.resolve("github-actions-example.yaml"),
                folder.resolve("github-actions-example.yaml"));
        Files.copy(POLICIES.resolve("src/test/resources/unsafe/bare-wildcard.yaml"),
                folder.resolve("bare-wildcard.yaml"));

        var run = sync(folder);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("not synced: 1 problem(s)");
        assertThat(keys()).isEmpty();
    }

    @Test
    void syncWhenTableMissingThenExitsOneWithTheErrorCodeOnly() {
        var run = vend("policy", "sync", POLICIES.toString(), "--table", table + "-missing",
                "--endpoint", endpoint, "--region", Dynalite.REGION);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("sync failed: DynamoDB Scan (policy sync) failed: "
                + "ResourceNotFoundException (HTTP 400)")
                .doesNotContain(table + "-missing");
    }
}
