// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import dev.vend.audit.MetricsAuditLog;
import dev.vend.metrics.Metric;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric.Builder;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

/**
 * CloudWatch alarms on what an operator must hear about.
 *
 * <p>Failures, each firing on one or more in a {@value #PERIOD_MINUTES}-minute period: the
 * function failing (errors, which Vend's handler only produces when something escaped it), the
 * function throttled (Lambda's concurrency is exhausted and callers are refused), the API
 * answering 5xx (Vend's own 500 and 503, and API Gateway's when the integration fails), Vend's own
 * {@code decision=error} requests, the policy store answering from a stale copy (DynamoDB
 * throttled or timed out a policy query: the table is near its limits or unreachable, and a
 * policy change is not taking effect), and issuer keys answering stale (a refresh of an
 * issuer's keys failed: its endpoint is down or unreachable, and a key it removed still
 * verifies, for up to an hour).
 *
 * <p>Slow dependencies, each firing when the p99 of a {@value #PERIOD_MINUTES}-minute period
 * stays above its threshold for {@value #LATENCY_PERIODS} periods in a row: KMS {@code Sign}
 * above {@value #KMS_LATENCY_P99_MS} ms and the single-use table's conditional write above
 * {@value #SINGLE_USE_STORE_LATENCY_P99_MS} ms, both on the path of every token. A period with
 * too few calls for a meaningful p99 leaves the alarm as it was.
 *
 * <p>The last five read the function's own CloudWatch Embedded Metric Format lines
 * ({@link MetricsAuditLog}) in the {@value MetricsAuditLog#NAMESPACE} namespace. Every alarm
 * treats missing data as fine, since an idle deployment sends none. No action is attached: route
 * them with {@link #alarms()} (an SNS topic, a chat integration) as the team's on-call setup
 * requires.
 */
public final class VendingAlarms extends Construct {

    /** The period each alarm aggregates over. */
    public static final int PERIOD_MINUTES = 5;
    /** How many periods in a row a latency alarm's p99 must exceed its threshold. */
    public static final int LATENCY_PERIODS = 3;
    /** The KMS {@code Sign} p99, in milliseconds, above which the KMS alarm fires. */
    public static final int KMS_LATENCY_P99_MS = 500;
    /** The single-use write p99, in milliseconds, above which its alarm fires. */
    public static final int SINGLE_USE_STORE_LATENCY_P99_MS = 250;

    private final List<Alarm> alarms;

    /** Creates the alarms for {@code function} and {@code api}. */
    public VendingAlarms(Construct scope, String id, Function function, HttpApi api) {
        super(scope, id);
        MetricOptions sum = MetricOptions.builder()
                .period(Duration.minutes(PERIOD_MINUTES))
                .statistic("Sum")
                .build();
        this.alarms = List.of(
                anyIn("FunctionErrors", function.metricErrors(sum),
                        "Vend's function failed an invocation"),
                anyIn("FunctionThrottles", function.metricThrottles(sum),
                        "Vend's function was throttled: callers were refused"),
                anyIn("ApiServerErrors", api.metricServerError(sum),
                        "Vend's API answered 5xx"),
                anyIn("VendErrors", vendMetric(MetricsAuditLog.REQUESTS, "Sum",
                                Map.of("decision", "error")),
                        "Vend failed requests: a dependency outage (503) or its own fault (500)"),
                anyIn("PolicyStoreStale",
                        vendMetric(Metric.POLICY_CACHE_STALE.metricName(), "Sum", Map.of()),
                        "Vend answered from stale policies: the policy table throttled or timed "
                                + "out, and policy changes may not be in effect"),
                anyIn("JwksStale",
                        vendMetric(Metric.JWKS_CACHE_STALE.metricName(), "Sum", Map.of()),
                        "Vend verified tokens with stale issuer keys: an issuer's key endpoint "
                                + "failed, and a key the issuer removed may still verify"),
                slowerThan("KmsLatencyHigh", Metric.KMS_LATENCY, KMS_LATENCY_P99_MS,
                        "KMS Sign is slow: every token waits for it"),
                slowerThan("SingleUseStoreLatencyHigh", Metric.SINGLE_USE_STORE_LATENCY,
                        SINGLE_USE_STORE_LATENCY_P99_MS,
                        "The single-use table is slow: every challenge and cloud proof waits "
                                + "for it"));
    }

    /** The alarms, to attach actions to. */
    public List<Alarm> alarms() {
        return alarms;
    }

    private static IMetric vendMetric(String name, String statistic,
            Map<String, String> dimensions) {
        return Builder.create()
                .namespace(MetricsAuditLog.NAMESPACE).metricName(name)
                .dimensionsMap(dimensions)
                .period(Duration.minutes(PERIOD_MINUTES)).statistic(statistic).build();
    }

    private Alarm anyIn(String id, IMetric metric, String description) {
        return Alarm.Builder.create(this, id)
                .metric(metric)
                .alarmDescription(description)
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }

    private Alarm slowerThan(String id, Metric metric, int p99Millis, String description) {
        return Alarm.Builder.create(this, id)
                .metric(vendMetric(metric.metricName(), "p99", Map.of()))
                .alarmDescription(description + " (p99 above " + p99Millis + " ms)")
                .threshold(p99Millis)
                .evaluationPeriods(LATENCY_PERIODS)
                .datapointsToAlarm(LATENCY_PERIODS)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .evaluateLowSampleCountPercentile("ignore")
                .build();
    }
}
