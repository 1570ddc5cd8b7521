// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import dev.vend.RestoreAware;
import dev.vend.aws.AwsFailures;
import dev.vend.metrics.Metric;
import dev.vend.metrics.Metrics;
import dev.vend.model.VerifiedIdentity;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyException;
import dev.vend.policy.PolicyStore;
import dev.vend.verify.FailureKind;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.VendingFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A {@link PolicyStore} on the DynamoDB policy table laid out as {@link PolicyTableLayout}
 * describes: the candidates of one request come from one strongly consistent {@code Query} of
 * one partition (its issuer, and for a multi-tenant issuer its tenant), compiled on read with the
 * deployment's {@link PolicyCompiler}, so every guard rail applies to what is in the table too.
 *
 * <p><strong>Malformed items.</strong> An item that does not compile, carries an attribute other
 * than those of the layout, whose sort key is not its document's id, whose version is not its
 * document's hash, or that sits in a partition its policy does not belong to, is refused: it
 * never matches, the other candidates still evaluate (default deny), and it is reported as a
 * WARN {@value #REFUSED_EVENT} naming the policy id and never its content (DESIGN, "Policies";
 * field case BUG-28 C).
 *
 * <p><strong>Cache.</strong> Each partition's candidates are kept for {@link #FRESH} (30 s), so
 * a deleted, disabled or tightened policy stops matching at most 30 s after the table changed.
 * When a refresh is throttled or times out ({@link AwsFailures#isThrottling},
 * {@link AwsFailures#isTimeout}: an endpoint that refuses the connection counts as timed out), a
 * copy younger than {@link #MAX_STALE} (5 minutes) still answers, with a WARN
 * {@value #STALE_EVENT}; with no such copy the failure is thrown, {@link FailureKind#TRANSIENT}
 * (503). Every other failure is thrown whatever the cache holds (ADR 0011): a transient one (a
 * 5xx, a connection reset, credentials not loadable, clock skew) as a 503, a permanent one
 * (access denied, table not found, validation) as a 500, and a permanent one also empties the
 * whole cache, so no stale copy ever answers after it (field case BUG-28 D). At most
 * {@link #MAX_PARTITIONS} partitions are kept; the least recently used goes first. After a
 * SnapStart restore the whole cache is dropped ({@link #afterRestore()}): its ages were measured
 * from the snapshot's time, and a copy from before the snapshot never answers, fresh or stale
 * (field case BUG-26).
 *
 * <p><strong>Metrics.</strong> Each lookup records into the request's {@link Metrics}
 * {@link Metric#POLICY_CACHE_HIT} when a fresh copy answers, else {@link Metric#POLICY_CACHE_MISS}
 * and the query's duration ({@link Metric#POLICY_STORE_LATENCY}), and
 * {@link Metric#POLICY_CACHE_STALE} as well when a stale copy answers for a failed query.
 *
 * <p><strong>Errors.</strong> SDK exceptions become {@link VendingFailure}s through
 * {@link AwsFailures}: the AWS error code and HTTP status, never the AWS error message.
 *
 * <p><strong>Limitation:</strong> revocation is not immediate. A policy removed from the table
 * keeps matching for up to 30 s in every warm execution environment, and for up to 5 minutes
 * while DynamoDB throttles or times out; docs/policies.md states these numbers.
 *
 * <p>Thread-safe if the client is (SDK clients are). The caller owns the client and closes it.
 */
public final class DynamoDbPolicyStore implements PolicyStore, RestoreAware {

    /** How long a partition's candidates are used without asking DynamoDB again. */
    public static final Duration FRESH = Duration.ofSeconds(30);
    /** How old a copy may be to answer while DynamoDB throttles or times out. */
    public static final Duration MAX_STALE = Duration.ofMinutes(5);
    /** How many partitions the cache keeps. */
    public static final int MAX_PARTITIONS = 4096;
    /** The log message of a refused item. */
    public static final String REFUSED_EVENT = "policy.item.refused";
    /** The log message of a stale answer. */
    public static final String STALE_EVENT = "policy.cache.stale";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbPolicyStore.class);
    private static final Pattern LOGGABLE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final String OPERATION = "DynamoDB Query (policies)";
    private static final String SAME_PARTITION = PolicyTableLayout.PARTITION_KEY + " = :pk";

    private final DynamoDbClient client;
    private final String tableName;
    private final PolicyCompiler compiler;
    private final Clock clock;
    private final Metrics metrics;
    private final Map<String, Entry> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_PARTITIONS;
        }
    };

    /** One partition's compiled candidates and when DynamoDB returned them. */
    private record Entry(List<Policy> policies, Instant fetchedAt) {
    }

    /**
     * Creates the store.
     *
     * @param client the client to call DynamoDB with; not closed by the store
     * @param tableName the policy table's name (not its ARN)
     * @param compiler the deployment's compiler: its issuer registry and limits
     * @param clock the clock cache ages are measured with
     * @throws IllegalArgumentException if the table name is blank
     */
    public DynamoDbPolicyStore(DynamoDbClient client, String tableName, PolicyCompiler compiler,
            Clock clock) {
        this(client, tableName, compiler, clock, Metrics.none());
    }

    /**
     * Creates the store, recording its cache outcomes and queries into {@code metrics}.
     *
     * @param client the client to call DynamoDB with; not closed by the store
     * @param tableName the policy table's name (not its ARN)
     * @param compiler the deployment's compiler: its issuer registry and limits
     * @param clock the clock cache ages are measured with
     * @param metrics where lookups are recorded
     * @throws IllegalArgumentException if the table name is blank
     */
    public DynamoDbPolicyStore(DynamoDbClient client, String tableName, PolicyCompiler compiler,
            Clock clock, Metrics metrics) {
        this.client = Objects.requireNonNull(client, "client");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (tableName.isBlank()) {
            throw new IllegalArgumentException("tableName is blank");
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws VendingFailure {@link FailureKind#TRANSIENT} when DynamoDB throttles or times out
     *     and no copy younger than {@link #MAX_STALE} exists, and for any other transient error
     *     (a 5xx, a reset connection) whatever is cached; {@link FailureKind#PERMANENT} for
     *     access denied, a missing table and other errors retrying can not fix
     */
    @Override
    public List<Policy> candidates(VerifiedIdentity identity) {
        Optional<IssuerConfig> issuer = compiler.issuers().byId(identity.issuerId());
        Optional<String> partition = issuer.flatMap(
                entry -> PolicyTableLayout.partitionKey(identity, entry));
        if (partition.isEmpty()) {
            return List.of();
        }
        String key = partition.get();
        Instant now = clock.instant();
        Entry cached = cached(key);
        if (cached != null && age(cached, now).compareTo(FRESH) < 0) {
            metrics.count(Metric.POLICY_CACHE_HIT);
            return cached.policies();
        }
        return refresh(key, cached, now);
    }

    /** Drops every cached partition; the next lookup of each queries the table again. */
    @Override
    public void afterRestore() {
        forgetAll();
    }

    /** How many partitions are cached and when the oldest was fetched. */
    @Override
    public String restoreState() {
        synchronized (cache) {
            return cache.values().stream().map(Entry::fetchedAt).min(Instant::compareTo)
                    .map(oldest -> "policy cache of " + cache.size() + " partition(s): "
                            + "oldest fetched_at=" + oldest)
                    .orElse(NOTHING_CAPTURED);
        }
    }

    @Override
    public String toString() {
        return "DynamoDbPolicyStore[" + tableName + "]";
    }

    private List<Policy> refresh(String key, @Nullable Entry cached, Instant now) {
        metrics.count(Metric.POLICY_CACHE_MISS);
        try {
            List<Policy> policies = metrics.time(Metric.POLICY_STORE_LATENCY, () -> query(key));
            remember(key, new Entry(policies, now));
            return policies;
        } catch (SdkException e) {
            VendingFailure failure = AwsFailures.failure(OPERATION, e);
            if (failure.kind() == FailureKind.PERMANENT) {
                forgetAll();
                throw failure;
            }
            if (cached != null && staleCopyMayAnswer(e)
                    && age(cached, now).compareTo(MAX_STALE) < 0) {
                return stale(key, cached, now, e);
            }
            throw failure;
        }
    }

    /**
     * Whether a copy older than {@link #FRESH} may still answer for this failed query: only when
     * DynamoDB throttled it or it timed out (DESIGN, "Policies"; ADR 0011). Then the table is
     * most likely as it was and merely busy or out of reach; any other error may mean it changed
     * or can no longer be read as it was, and a stale answer would hide that for 5 minutes.
     */
    private static boolean staleCopyMayAnswer(SdkException e) {
        return AwsFailures.isThrottling(e) || AwsFailures.isTimeout(e);
    }

    private List<Policy> stale(String key, Entry cached, Instant now, SdkException e) {
        LOG.warn("{} issuer_id={} age_s={} cause={}", STALE_EVENT,
                PolicyTableLayout.issuerIdOf(key), age(cached, now).toSeconds(),
                AwsFailures.describe(e));
        metrics.count(Metric.POLICY_CACHE_STALE);
        return cached.policies();
    }

    private List<Policy> query(String key) {
        var policies = new ArrayList<Policy>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = client.query(queryOf(key, start));
            for (Map<String, AttributeValue> item : page.items()) {
                compiled(key, item).ifPresent(policies::add);
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                    ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return List.copyOf(policies);
    }

    private QueryRequest queryOf(String key, @Nullable Map<String, AttributeValue> start) {
        var query = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression(SAME_PARTITION)
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(key)))
                // A policy just deleted or tightened must not come back from a lagging replica
                // (field case BUG-28 B); only the base table and local indexes can read this way.
                .consistentRead(true);
        if (start != null) {
            query.exclusiveStartKey(start);
        }
        return query.build();
    }

    /** The item's policy, or empty (and a WARN) if the item is refused. */
    private Optional<Policy> compiled(String key, Map<String, AttributeValue> item) {
        String id = text(item, PolicyTableLayout.SORT_KEY);
        try {
            return Optional.of(check(key, id, item));
        } catch (RefusedItem e) {
            LOG.warn("{} issuer_id={} policy_id={} rule={}", REFUSED_EVENT,
                    PolicyTableLayout.issuerIdOf(key), loggable(id), e.getMessage());
            return Optional.empty();
        }
    }

    private Policy check(String key, @Nullable String id, Map<String, AttributeValue> item) {
        if (!PolicyTableLayout.ATTRIBUTES.containsAll(item.keySet())) {
            throw new RefusedItem("item_has_unknown_attribute");
        }
        String document = text(item, PolicyTableLayout.DOCUMENT);
        String version = text(item, PolicyTableLayout.VERSION);
        if (id == null || document == null || version == null) {
            throw new RefusedItem("item_attribute_missing_or_not_a_string");
        }
        Policy policy = compile(document, key, id);
        if (!policy.id().equals(id)) {
            throw new RefusedItem("sort_key_is_not_the_policy_id");
        }
        if (!policy.version().equals(version)) {
            throw new RefusedItem("version_is_not_the_document_hash");
        }
        IssuerConfig issuer = compiler.issuers().byId(policy.issuerId()).orElseThrow();
        if (!policyPartitions(policy, issuer).contains(key)) {
            throw new RefusedItem("item_in_a_partition_the_policy_does_not_pin");
        }
        return policy;
    }

    private Policy compile(String document, String key, String id) {
        try {
            var parsed = YamlDocuments.parseMapping(document, "policy table item " + id);
            return compiler.compile(parsed, "policy table " + tableName + ", " + key);
        } catch (YamlDocuments.DocumentException e) {
            throw new RefusedItem("document_is_not_json");
        } catch (PolicyException e) {
            // The compiler's messages can quote values from the document; only the count is kept.
            throw new RefusedItem("document_does_not_compile (" + e.problems().size()
                    + " problem(s); run vend policy lint)");
        }
    }

    private static List<String> policyPartitions(Policy policy, IssuerConfig issuer) {
        try {
            return PolicyTableLayout.partitionKeys(policy, issuer);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static @Nullable String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static String loggable(@Nullable String id) {
        return id != null && LOGGABLE_ID.matcher(id).matches() ? id : "(not a policy id)";
    }

    private static Duration age(Entry entry, Instant now) {
        return Duration.between(entry.fetchedAt(), now);
    }

    private @Nullable Entry cached(String key) {
        synchronized (cache) {
            return cache.get(key);
        }
    }

    private void remember(String key, Entry entry) {
        synchronized (cache) {
            cache.put(key, entry);
        }
    }

    private void forgetAll() {
        synchronized (cache) {
            cache.clear();
        }
    }

    /** Why one item was refused: a fixed rule name, never content. */
    private static final class RefusedItem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedItem(String rule) {
            super(rule, null, false, false);
        }
    }
}
