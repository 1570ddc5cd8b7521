// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import dev.vend.aws.AwsFailures;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.verify.IssuerConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Makes the policy table hold exactly a set of compiled policies, in {@link PolicyTableLayout}:
 * puts every item that is new or whose version changed, and deletes every item no policy of the
 * set owns any more (a deleted policy, or a partition value a tightened policy no longer pins).
 *
 * <p>{@link #plan} reads the table (a consistent {@code Scan} of keys and versions) and writes
 * nothing; {@link #apply} carries a plan out with single {@code DeleteItem} and {@code PutItem}
 * calls, deletions first, so an interrupted sync leaves fewer policies rather than more. There is
 * no {@code TransactWriteItems} (dynalite lacks it, and DynamoDB caps a transaction at 100
 * items): while a sync runs, readers may see some policies old and some new, but every item is a
 * whole policy document, so no reader ever sees half a policy.
 *
 * <p>Thread-safe if the client is; the caller owns the client.
 */
public final class PolicyTableSync {

    private final DynamoDbClient client;
    private final String tableName;

    /**
     * Creates a sync for one table.
     *
     * @param client the client; not closed here
     * @param tableName the policy table's name
     */
    public PolicyTableSync(DynamoDbClient client, String tableName) {
        this.client = Objects.requireNonNull(client, "client");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /**
     * One policy to be stored.
     *
     * @param policy the compiled policy
     * @param document the document it was compiled from
     */
    public record Source(Policy policy, Map<String, Object> document) {
        public Source {
            Objects.requireNonNull(policy, "policy");
            document = Map.copyOf(document);
        }
    }

    /**
     * One change to the table.
     *
     * @param action what is done
     * @param partitionKey the item's partition
     * @param policyId the item's sort key
     * @param oldVersion the version in the table, or null for a new item
     * @param newVersion the version written, or null for a deletion
     */
    public record Change(Action action, String partitionKey, String policyId,
            @Nullable String oldVersion, @Nullable String newVersion) {

        /** A line for people: {@code put github-actions#1001 gh-deploy (new)}. */
        public String describe() {
            String what = switch (action) {
                case PUT -> oldVersion == null ? "(new, version " + shortVersion(newVersion) + ")"
                        : "(version " + shortVersion(oldVersion) + " -> "
                                + shortVersion(newVersion) + ")";
                case DELETE -> "(version " + shortVersion(oldVersion) + ")";
            };
            return action.name().toLowerCase(java.util.Locale.ROOT) + " " + partitionKey + " "
                    + policyId + " " + what;
        }

        private static String shortVersion(@Nullable String version) {
            return version == null ? "?" : version.substring(0, Math.min(12, version.length()));
        }
    }

    /** What a change does. */
    public enum Action {
        /** Writes an item. */
        PUT,
        /** Deletes an item. */
        DELETE
    }

    /**
     * The changes that would make the table hold exactly these policies.
     *
     * @param sources the policies, each compiled against {@code compiler}
     * @param compiler the compiler they were compiled with, for the issuer registry
     * @return deletions first, then puts, each sorted by key; empty if the table is in sync
     * @throws IllegalArgumentException if a policy can not be stored (see
     *     {@link PolicyTableLayout#partitionKeys})
     * @throws dev.vend.verify.VendingFailure if the table can not be read
     */
    public List<Change> plan(List<Source> sources, PolicyCompiler compiler) {
        Map<String, Desired> desired = desired(sources, compiler);
        Map<String, Existing> existing = existing();
        var deletes = new ArrayList<Change>();
        var puts = new ArrayList<Change>();
        existing.forEach((key, item) -> {
            if (!desired.containsKey(key)) {
                deletes.add(new Change(Action.DELETE, item.pk(), item.sk(), item.version(), null));
            }
        });
        desired.forEach((key, item) -> {
            Existing current = existing.get(key);
            String currentVersion = current == null ? null : current.version();
            if (!item.version().equals(currentVersion)) {
                puts.add(new Change(Action.PUT, item.pk(), item.sk(), currentVersion,
                        item.version()));
            }
        });
        Comparator<Change> byKey = Comparator.comparing(Change::partitionKey)
                .thenComparing(Change::policyId);
        deletes.sort(byKey);
        puts.sort(byKey);
        var changes = new ArrayList<Change>(deletes);
        changes.addAll(puts);
        return changes;
    }

    /**
     * Carries out a plan made by {@link #plan} with the same sources.
     *
     * @throws dev.vend.verify.VendingFailure if a write fails; earlier writes stay done
     */
    public void apply(List<Change> changes, List<Source> sources, PolicyCompiler compiler) {
        Map<String, Desired> desired = desired(sources, compiler);
        for (Change change : changes) {
            try {
                if (change.action() == Action.DELETE) {
                    client.deleteItem(delete -> delete.tableName(tableName)
                            .key(key(change.partitionKey(), change.policyId())));
                } else {
                    Desired item = Objects.requireNonNull(
                            desired.get(id(change.partitionKey(), change.policyId())));
                    client.putItem(put -> put.tableName(tableName).item(item.item()));
                }
            } catch (SdkException e) {
                throw AwsFailures.failure("DynamoDB " + (change.action() == Action.DELETE
                        ? "DeleteItem" : "PutItem") + " (policy sync)", e);
            }
        }
    }

    /**
     * The item that stores one policy in one partition.
     *
     * @param partitionKey one of the policy's partitions
     * @param source the policy and its document
     */
    public static Map<String, AttributeValue> item(String partitionKey, Source source) {
        return Map.of(
                PolicyTableLayout.PARTITION_KEY, AttributeValue.fromS(partitionKey),
                PolicyTableLayout.SORT_KEY, AttributeValue.fromS(source.policy().id()),
                PolicyTableLayout.DOCUMENT,
                AttributeValue.fromS(PolicyCompiler.canonicalJson(source.document())),
                PolicyTableLayout.VERSION, AttributeValue.fromS(source.policy().version()));
    }

    private record Desired(String pk, String sk, String version,
            Map<String, AttributeValue> item) {
    }

    private record Existing(String pk, String sk, String version) {
    }

    private static Map<String, Desired> desired(List<Source> sources, PolicyCompiler compiler) {
        var out = new LinkedHashMap<String, Desired>();
        for (Source source : sources) {
            Policy policy = source.policy();
            IssuerConfig issuer = compiler.issuers().byId(policy.issuerId()).orElseThrow(() ->
                    new IllegalArgumentException("policy " + policy.id() + ": issuer "
                            + policy.issuerId() + " is not in the issuer registry"));
            for (String pk : PolicyTableLayout.partitionKeys(policy, issuer)) {
                out.put(id(pk, policy.id()),
                        new Desired(pk, policy.id(), policy.version(), item(pk, source)));
            }
        }
        return out;
    }

    private Map<String, Existing> existing() {
        var out = new LinkedHashMap<String, Existing>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                ScanResponse page = client.scan(scanOf(start));
                for (Map<String, AttributeValue> item : page.items()) {
                    String pk = item.get(PolicyTableLayout.PARTITION_KEY).s();
                    String sk = item.get(PolicyTableLayout.SORT_KEY).s();
                    AttributeValue version = item.get(PolicyTableLayout.VERSION);
                    // An item without a string version is malformed: it is always replaced.
                    String text = version == null || version.s() == null ? "" : version.s();
                    out.put(id(pk, sk), new Existing(pk, sk, text));
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException e) {
            throw AwsFailures.failure("DynamoDB Scan (policy sync)", e);
        }
        return out;
    }

    private ScanRequest scanOf(@Nullable Map<String, AttributeValue> start) {
        var scan = ScanRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                // Names, not the attributes themselves, so no reserved word can break the scan.
                .projectionExpression("#pk, #sk, #version")
                .expressionAttributeNames(Map.of("#pk", PolicyTableLayout.PARTITION_KEY,
                        "#sk", PolicyTableLayout.SORT_KEY, "#version", PolicyTableLayout.VERSION));
        if (start != null) {
            scan.exclusiveStartKey(start);
        }
        return scan.build();
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PolicyTableLayout.PARTITION_KEY, AttributeValue.fromS(pk),
                PolicyTableLayout.SORT_KEY, AttributeValue.fromS(sk));
    }

    private static String id(String pk, String sk) {
        return pk.length() + ":" + pk + sk;
    }
}
