// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import dev.vend.audit.MetricsAuditLog;
import dev.vend.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric.Builder;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.Unit;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.constructs.Construct;

/**
 * CloudWatch alarms on what an operator must hear about.
 *
 * <p>Failures, each firing on one or more in a {@value #PERIOD_MINUTES}-minute period: the
 * function failing (errors, which Vend's handler only produces when something escaped it), the
 * function throttled (Lambda's concurrency is exhausted and callers are refused), the API
 * throttling callers itself ({@code 429}, counted from its access log: API Gateway's metrics for
 * an HTTP API have no throttle count, and their {@code 4xx} mixes throttling with Vend's own
 * refusals), the API answering 5xx (Vend's own 500 and 503, and API Gateway's when the
 * integration fails), Vend's own {@code decision=error} requests, the policy store answering
 * from a stale copy (DynamoDB throttled or timed out a policy query: the table is near its
 * limits or unreachable, and a policy change is not taking effect), and issuer keys answering
 * stale (a refresh of an issuer's keys failed: its endpoint is down or unreachable, and a key it
 * removed still verifies, for up to an hour).
 *
 * <p>Slowness, each firing when the p99 of a {@value #PERIOD_MINUTES}-minute period stays above
 * its threshold for {@value #LATENCY_PERIODS} periods in a row: {@code POST /token} as a whole
 * above {@value #TOKEN_LATENCY_P99_MS} ms; KMS {@code Sign} above {@value #KMS_LATENCY_P99_MS}
 * ms and the single-use table's conditional write above
 * {@value #SINGLE_USE_STORE_LATENCY_P99_MS} ms, both on the path of every token; the policy
 * table's read on a cache miss above {@value #POLICY_STORE_LATENCY_P99_MS} ms; and STS, for
 * {@code AssumeRole} (AWS credentials) and for the {@code GetCallerIdentity} that checks an AWS
 * proof, above {@value #STS_LATENCY_P99_MS} ms. A period with too few calls for a meaningful p99
 * leaves the alarm as it was.
 *
 * <p>The alarms on Vend's own requests and dependencies read the function's CloudWatch Embedded
 * Metric Format lines ({@link MetricsAuditLog}) in the {@value MetricsAuditLog#NAMESPACE}
 * namespace; a metric filter on the access log writes the throttle count into the same
 * namespace; the others read Lambda's and API Gateway's own metrics. Every alarm treats missing
 * data as fine, since an idle deployment sends none. No action is attached: route them with
 * {@link #alarms()} (an SNS topic, a chat integration) as the team's on-call setup requires.
 */
public final class VendingAlarms extends Construct {

    /** The period each alarm aggregates over. */
    public static final int PERIOD_MINUTES = 5;
    /** How many periods in a row a latency alarm's p99 must exceed its threshold. */
    public static final int LATENCY_PERIODS = 3;
    /** The {@code POST /token} p99, in milliseconds, above which its alarm fires. */
    public static final int TOKEN_LATENCY_P99_MS = 1_000;
    /** The KMS {@code Sign} p99, in milliseconds, above which the KMS alarm fires. */
    public static final int KMS_LATENCY_P99_MS = 500;
    /** The single-use write p99, in milliseconds, above which its alarm fires. */
    public static final int SINGLE_USE_STORE_LATENCY_P99_MS = 250;
    /** The policy table read p99, in milliseconds, above which its alarm fires. */
    public static final int POLICY_STORE_LATENCY_P99_MS = 500;
    /** The p99 of either STS call, in milliseconds, above which its alarm fires. */
    public static final int STS_LATENCY_P99_MS = 1_000;
    /** The metric the access log's {@code 429} lines are counted into. */
    public static final String API_THROTTLED = "ApiThrottled";

    private final List<Alarm> alarms = new ArrayList<>();

    /** Creates the alarms for {@code function} and the API {@code http} serves. */
    public VendingAlarms(Construct scope, String id, Function function, VendingHttpApi http) {
        super(scope, id);
        addFailures(function, http);
        addVendFailures();
        addLatencies();
    }

    /** The alarms, to attach actions to. */
    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    private void addFailures(Function function, VendingHttpApi http) {
        MetricOptions sum = MetricOptions.builder()
                .period(Duration.minutes(PERIOD_MINUTES))
                .statistic("Sum")
                .build();
        anyIn("FunctionErrors", function.metricErrors(sum),
                "Vend's function failed an invocation");
        anyIn("FunctionThrottles", function.metricThrottles(sum),
                "Vend's function was throttled: callers were refused");
        anyIn("ApiThrottled", throttledRequests(http).metric(sum),
                "Vend's API throttled callers (429): the stage's or a route's limit was reached");
        anyIn("ApiServerErrors", http.api().metricServerError(sum),
                "Vend's API answered 5xx");
    }

    /**
     * Counts the access log lines whose {@code status} is {@code 429} into
     * {@value #API_THROTTLED}; a line with any other status writes nothing, so an API that
     * throttles nobody sends no data.
     */
    private MetricFilter throttledRequests(VendingHttpApi http) {
        return MetricFilter.Builder.create(this, "ApiThrottledFilter")
                .logGroup(http.accessLogs())
                .filterPattern(FilterPattern.stringValue("$.status", "=", "429"))
                .metricNamespace(MetricsAuditLog.NAMESPACE)
                .metricName(API_THROTTLED)
                .metricValue("1")
                .unit(Unit.COUNT)
                .build();
    }

    private void addVendFailures() {
        anyIn("VendErrors", vendMetric(MetricsAuditLog.REQUESTS, "Sum",
                        Map.of("decision", "error")),
                "Vend failed requests: a dependency outage (503) or its own fault (500)");
        anyIn("PolicyStoreStale",
                vendMetric(Metric.POLICY_CACHE_STALE.metricName(), "Sum", Map.of()),
                "Vend answered from stale policies: the policy table throttled or timed out, "
                        + "and policy changes may not be in effect");
        anyIn("JwksStale", vendMetric(Metric.JWKS_CACHE_STALE.metricName(), "Sum", Map.of()),
                "Vend verified tokens with stale issuer keys: an issuer's key endpoint failed, "
                        + "and a key the issuer removed may still verify");
    }

    private void addLatencies() {
        slowerThan("TokenLatencyHigh", vendMetric(MetricsAuditLog.LATENCY, "p99",
                        Map.of("operation", "token")), TOKEN_LATENCY_P99_MS,
                "POST /token is slow: callers wait for Vend");
        slowerThan("KmsLatencyHigh", Metric.KMS_LATENCY, KMS_LATENCY_P99_MS,
                "KMS Sign is slow: every token waits for it");
        slowerThan("SingleUseStoreLatencyHigh", Metric.SINGLE_USE_STORE_LATENCY,
                SINGLE_USE_STORE_LATENCY_P99_MS,
                "The single-use table is slow: every challenge and cloud proof waits for it");
        slowerThan("PolicyStoreLatencyHigh", Metric.POLICY_STORE_LATENCY,
                POLICY_STORE_LATENCY_P99_MS,
                "The policy table is slow: every policy cache miss waits for it");
        slowerThan("StsLatencyHigh", Metric.STS_LATENCY, STS_LATENCY_P99_MS,
                "STS AssumeRole is slow: every request for AWS credentials waits for it");
        slowerThan("StsProofLatencyHigh", Metric.STS_PROOF_LATENCY, STS_LATENCY_P99_MS,
                "STS GetCallerIdentity is slow: every AWS IAM proof and EC2 bundle waits for it");
    }

    private static IMetric vendMetric(String name, String statistic,
            Map<String, String> dimensions) {
        return Builder.create()
                .namespace(MetricsAuditLog.NAMESPACE).metricName(name)
                .dimensionsMap(dimensions)
                .period(Duration.minutes(PERIOD_MINUTES)).statistic(statistic).build();
    }

    private void anyIn(String id, IMetric metric, String description) {
        alarms.add(Alarm.Builder.create(this, id)
                .metric(metric)
                .alarmDescription(description)
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    private void slowerThan(String id, Metric metric, int p99Millis, String description) {
        slowerThan(id, vendMetric(metric.metricName(), "p99", Map.of()), p99Millis, description);
    }

    private void slowerThan(String id, IMetric p99, int p99Millis, String description) {
        alarms.add(Alarm.Builder.create(this, id)
                .metric(p99)
                .alarmDescription(description + " (p99 above " + p99Millis + " ms)")
                .threshold(p99Millis)
                .evaluationPeriods(LATENCY_PERIODS)
                .datapointsToAlarm(LATENCY_PERIODS)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .evaluateLowSampleCountPercentile("ignore")
                .build());
    }
}
