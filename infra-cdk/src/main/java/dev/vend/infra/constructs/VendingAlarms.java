// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

/**
 * CloudWatch alarms on what an operator must hear about: the function failing (errors, which
 * Vend's handler only produces when something escaped it), the function throttled (Lambda's
 * concurrency is exhausted and callers are refused), and the API answering 5xx (Vend's own 500
 * and 503, and API Gateway's when the integration fails).
 *
 * <p>Each alarm fires on one or more in a {@value #PERIOD_MINUTES}-minute period and treats
 * missing data as fine, since an idle deployment sends no data points. No action is attached:
 * route them with {@link #alarms()} (an SNS topic, a chat integration) as the team's on-call
 * setup requires.
 */
public final class VendingAlarms extends Construct {

    /** The period each alarm sums over. */
    public static final int PERIOD_MINUTES = 5;

    private final Alarm functionErrors;
    private final Alarm functionThrottles;
    private final Alarm apiServerErrors;
    private final Alarm vendErrors;

    /** Creates the four alarms for {@code function} and {@code api}. */
    public VendingAlarms(Construct scope, String id, Function function, HttpApi api) {
        super(scope, id);
        MetricOptions sum = MetricOptions.builder()
                .period(Duration.minutes(PERIOD_MINUTES))
                .statistic("Sum")
                .build();
        this.functionErrors = alarm("FunctionErrors", function.metricErrors(sum),
                "Vend's function failed an invocation");
        this.functionThrottles = alarm("FunctionThrottles", function.metricThrottles(sum),
                "Vend's function was throttled: callers were refused");
        this.apiServerErrors = alarm("ApiServerErrors", api.metricServerError(sum),
                "Vend's API answered 5xx");
        // From the function's own CloudWatch Embedded Metric Format lines (MetricsAuditLog).
        this.vendErrors = alarm("VendErrors", Metric.Builder.create()
                        .namespace("Vend").metricName("Requests")
                        .dimensionsMap(Map.of("decision", "error"))
                        .period(Duration.minutes(PERIOD_MINUTES)).statistic("Sum").build(),
                "Vend failed requests: a dependency outage (503) or its own fault (500)");
    }

    /** The alarms, to attach actions to. */
    public List<Alarm> alarms() {
        return List.of(functionErrors, functionThrottles, apiServerErrors, vendErrors);
    }

    private Alarm alarm(String id, IMetric metric, String description) {
        return Alarm.Builder.create(this, id)
                .metric(metric)
                .alarmDescription(description)
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }
}
