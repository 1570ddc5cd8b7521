// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import dev.vend.aws.policy.PolicyTableLayout;
import dev.vend.aws.policy.PolicyTableSync;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyException;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.IssuerRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsCustomResourcePolicy;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * Loads the policy documents of a folder (the repository's {@code policies/}) into the policy
 * table as part of the deployment: one item per policy and partition, written by a CloudFormation
 * custom resource ({@code PutItem} on create and update, {@code DeleteItem} when the policy leaves
 * the folder or the stack is deleted), so the table holds what was deployed.
 *
 * <p>Documents are read, compiled and laid out by the code the function itself reads them with:
 * {@link FolderPolicyStore#documentFiles} picks the files, {@link PolicyCompiler} compiles each
 * against the issuer registry with every guard rail, {@link PolicyTableLayout#partitionKeys}
 * names its partitions ({@code <issuer id>} or {@code <issuer id>#<tenant>} for a multi-tenant
 * issuer) and {@link PolicyTableSync#item} builds each item (canonical JSON document and version
 * hash). Synthesis fails, listing every problem, when a document does not compile or can not be
 * stored; {@code vend policy lint} reports the same problems.
 *
 * <p><strong>Limitation:</strong> this loader puts and deletes the items of the policies it
 * loads; it does not remove items written by other means ({@code vend policy sync} does).
 */
public final class PolicyDocuments extends Construct {

    private final List<Item> items;

    /**
     * One item to write.
     *
     * @param partitionKey its {@code pk}
     * @param policyId its {@code sk}
     * @param attributes every attribute, as DynamoDB JSON ({@code {"pk": {"S": "…"}, …}})
     */
    public record Item(String partitionKey, String policyId,
            Map<String, Map<String, String>> attributes) {
    }

    /**
     * What the documents are compiled against.
     *
     * @param folder the policy documents
     * @param issuers the issuer registry document the function uses
     * @param issuersBaseDir where relative paths of that registry resolve
     * @param vendIssuerUrl Vend's issuer URL as a literal, or a stand-in when it is only known at
     *     deploy time (the function's compiler checks it again when it reads the item)
     * @param maxLifetime the deployment's cap on token lifetime
     */
    public record Source(Path folder, Map<String, Object> issuers, Path issuersBaseDir,
            String vendIssuerUrl, Duration maxLifetime) {
    }

    /** Compiles the documents and adds one loader per item for {@code table}. */
    public PolicyDocuments(Construct scope, String id, ITableV2 table, Source source) {
        super(scope, id);
        this.items = read(source);
        LogGroup logs = LogGroup.Builder.create(this, "LoaderLogs")
                .retention(RetentionDays.ONE_MONTH)
                .build();
        AwsCustomResourcePolicy policy = AwsCustomResourcePolicy.fromStatements(List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("dynamodb:PutItem", "dynamodb:DeleteItem"))
                        .resources(List.of(table.getTableArn()))
                        .build()));
        for (Item item : items) {
            AwsCustomResource.Builder.create(this, "Policy-" + item.partitionKey() + "-"
                            + item.policyId())
                    .resourceType("Custom::VendPolicy")
                    .onCreate(put(table, item))
                    .onUpdate(put(table, item))
                    .onDelete(delete(table, item))
                    .policy(policy)
                    .installLatestAwsSdk(false)
                    .logGroup(logs)
                    .build();
        }
    }

    /** The items written, in file order. */
    public List<Item> items() {
        return items;
    }

    private static AwsSdkCall put(ITableV2 table, Item item) {
        return AwsSdkCall.builder()
                .service("DynamoDB")
                .action("putItem")
                .parameters(Map.of("TableName", table.getTableName(), "Item", item.attributes()))
                .physicalResourceId(PhysicalResourceId.of(
                        item.partitionKey() + "/" + item.policyId()))
                .build();
    }

    private static AwsSdkCall delete(ITableV2 table, Item item) {
        return AwsSdkCall.builder()
                .service("DynamoDB")
                .action("deleteItem")
                .parameters(Map.of("TableName", table.getTableName(), "Key", Map.of(
                        PolicyTableLayout.PARTITION_KEY, Map.of("S", item.partitionKey()),
                        PolicyTableLayout.SORT_KEY, Map.of("S", item.policyId()))))
                .build();
    }

    /**
     * Compiles every document of the folder and lays it out as the table stores it.
     *
     * @throws IllegalArgumentException listing every problem, one per line
     */
    public static List<Item> read(Source source) {
        IssuerRegistry registry;
        try {
            registry = IssuerRegistry.fromDocument(source.issuers(), new IssuerRegistry.Settings(
                    source.vendIssuerUrl(), source.issuersBaseDir()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("issuer registry: " + e.getMessage(), e);
        }
        var compiler = new PolicyCompiler(registry,
                new PolicyCompiler.Limits(source.vendIssuerUrl(), source.maxLifetime()));
        var items = new ArrayList<Item>();
        var problems = new ArrayList<String>();
        var ids = new HashMap<String, Path>();
        List<Path> files;
        try {
            files = FolderPolicyStore.documentFiles(source.folder());
        } catch (PolicyException e) {
            throw new IllegalArgumentException(String.join("\n", e.problems()), e);
        }
        for (Path file : files) {
            try {
                Map<String, Object> document = YamlDocuments.readMapping(file);
                Policy policy = compiler.compile(document, file.toString());
                Path first = ids.putIfAbsent(policy.id(), file);
                if (first != null) {
                    problems.add("policy " + policy.id() + " (" + file + "): id already used by "
                            + first);
                    continue;
                }
                try {
                    items.addAll(itemsOf(registry, policy, document));
                } catch (IllegalArgumentException e) {
                    problems.add("policy " + policy.id() + " (" + file + "): " + e.getMessage());
                }
            } catch (PolicyException e) {
                problems.addAll(e.problems());
            } catch (YamlDocuments.DocumentException | IllegalArgumentException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("policy folder " + source.folder() + ":\n"
                    + String.join("\n", problems));
        }
        return List.copyOf(items);
    }

    private static List<Item> itemsOf(IssuerRegistry registry, Policy policy,
            Map<String, Object> document) {
        IssuerConfig issuer = registry.byId(policy.issuerId()).orElseThrow();
        var items = new ArrayList<Item>();
        for (String partitionKey : PolicyTableLayout.partitionKeys(policy, issuer)) {
            var attributes = new LinkedHashMap<String, Map<String, String>>();
            PolicyTableSync.item(partitionKey, new PolicyTableSync.Source(policy, document))
                    .entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(entry -> attributes.put(entry.getKey(),
                            Map.of("S", entry.getValue().s())));
            items.add(new Item(partitionKey, policy.id(), attributes));
        }
        return items;
    }
}
