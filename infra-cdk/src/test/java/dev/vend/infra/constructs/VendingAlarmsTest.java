// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.constructs.IConstruct;

/**
 * Each alarm of {@link VendingAlarms}, as CloudFormation will create it: its metric, namespace,
 * dimensions, statistic, threshold, evaluation and treatment of missing data, and the metric
 * filter that counts the API's throttled requests. Synthesized once, on a small stack whose
 * function stands in for Vend's (the alarms only name it), with Vend's own HTTP API construct.
 */
class VendingAlarmsTest {

    private static Template template;
    private static VendingAlarms alarms;
    private static VendingHttpApi http;

    @BeforeAll
    static void synthesize() {
        Stack stack = new Stack(new App(), "AlarmsTest");
        Function function = Function.Builder.create(stack, "Function")
                .runtime(Runtime.PYTHON_3_12).handler("index.handler")
                .code(Code.fromInline("def handler(event, context):\n    return None\n"))
                .build();
        http = new VendingHttpApi(stack, "Http",
                new VendingHttpApiProps(ApiThrottle.DEFAULTS, null));
        alarms = new VendingAlarms(stack, "Alarms", function, http);
        template = Template.fromStack(stack);
    }

    /** Properties every alarm on a sum of events shares: one or more in five minutes. */
    private static Map<String, Object> anyInFiveMinutes(Map<String, Object> specific) {
        var expected = new HashMap<String, Object>(specific);
        expected.put("Statistic", "Sum");
        expected.put("Period", 300);
        expected.put("Threshold", 1);
        expected.put("EvaluationPeriods", 1);
        expected.put("ComparisonOperator", "GreaterThanOrEqualToThreshold");
        expected.put("TreatMissingData", "notBreaching");
        return expected;
    }

    /** Properties of a p99 latency alarm: above the threshold in three five-minute periods. */
    private static Map<String, Object> p99Above(String metricName, int millis) {
        return p99Above(metricName, Match.absent(), millis);
    }

    private static Map<String, Object> p99Above(String metricName, Object dimensions,
            int millis) {
        var expected = new HashMap<String, Object>();
        expected.put("Namespace", "Vend");
        expected.put("MetricName", metricName);
        expected.put("Dimensions", dimensions);
        expected.put("ExtendedStatistic", "p99");
        expected.put("Statistic", Match.absent());
        expected.put("Period", 300);
        expected.put("Threshold", millis);
        expected.put("EvaluationPeriods", 3);
        expected.put("DatapointsToAlarm", 3);
        expected.put("ComparisonOperator", "GreaterThanThreshold");
        expected.put("TreatMissingData", "notBreaching");
        expected.put("EvaluateLowSampleCountPercentile", "ignore");
        return expected;
    }

    private static String logicalId(IConstruct construct) {
        return Stack.of(construct).getLogicalId(
                (CfnElement) construct.getNode().getDefaultChild());
    }

    private static void assertAlarm(Map<String, Object> expected) {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(expected));
    }

    @Test
    void tokenLatencyAlarmWhenP99OfTokenRequestsAboveOneSecondForFifteenMinutesThenFires() {
        assertAlarm(p99Above("Latency",
                List.of(Map.of("Name", "operation", "Value", "token")), 1_000));
        assertThat(VendingAlarms.TOKEN_LATENCY_P99_MS).isEqualTo(1_000);
    }

    @Test
    void policyStoreLatencyAlarmWhenP99AboveFiveHundredMsForFifteenMinutesThenFires() {
        assertAlarm(p99Above("PolicyStoreLatency", 500));
        assertThat(VendingAlarms.POLICY_STORE_LATENCY_P99_MS).isEqualTo(500);
    }

    @Test
    void stsLatencyAlarmWhenAssumeRoleP99AboveOneSecondForFifteenMinutesThenFires() {
        assertAlarm(p99Above("StsLatency", 1_000));
        assertThat(VendingAlarms.STS_LATENCY_P99_MS).isEqualTo(1_000);
    }

    @Test
    void stsProofLatencyAlarmWhenGetCallerIdentityP99AboveOneSecondForFifteenMinutesThenFires() {
        assertAlarm(p99Above("StsProofLatency", 1_000));
    }

    @Test
    void apiThrottledAlarmWhenOne429InFiveMinutesThenFires() {
        assertAlarm(anyInFiveMinutes(Map.of(
                "Namespace", "Vend",
                "MetricName", "ApiThrottled",
                "Dimensions", Match.absent())));
    }

    @Test
    void apiThrottledMetricWhenAccessLogLineHasStatus429ThenCountsOneAndOtherLinesNothing() {
        template.resourceCountIs("AWS::Logs::MetricFilter", 1);
        template.hasResourceProperties("AWS::Logs::MetricFilter", Map.of(
                "LogGroupName", Map.of("Ref", logicalId(http.accessLogs())),
                "FilterPattern", "{ $.status = \"429\" }",
                "MetricTransformations", List.of(Map.of(
                        "MetricNamespace", "Vend",
                        "MetricName", "ApiThrottled",
                        "MetricValue", "1",
                        "Unit", "Count",
                        "DefaultValue", Match.absent()))));
    }

    @Test
    void kmsLatencyAlarmWhenP99AboveFiveHundredMsForFifteenMinutesThenFires() {
        assertAlarm(p99Above("KmsLatency", 500));
        assertThat(VendingAlarms.KMS_LATENCY_P99_MS).isEqualTo(500);
    }

    @Test
    void singleUseStoreLatencyAlarmWhenP99AboveTwoHundredFiftyMsForFifteenMinutesThenFires() {
        assertAlarm(p99Above("SingleUseStoreLatency", 250));
        assertThat(VendingAlarms.SINGLE_USE_STORE_LATENCY_P99_MS).isEqualTo(250);
    }

    @Test
    void policyStoreStaleAlarmWhenOneStaleAnswerInFiveMinutesThenFires() {
        assertAlarm(anyInFiveMinutes(Map.of(
                "Namespace", "Vend",
                "MetricName", "PolicyCacheStale",
                "Dimensions", Match.absent())));
    }

    @Test
    void jwksStaleAlarmWhenOneStaleKeyLookupInFiveMinutesThenFires() {
        assertAlarm(anyInFiveMinutes(Map.of(
                "Namespace", "Vend",
                "MetricName", "JwksCacheStale",
                "Dimensions", Match.absent())));
    }

    @Test
    void vendErrorsAlarmWhenOneErrorDecisionInFiveMinutesThenFires() {
        assertAlarm(anyInFiveMinutes(Map.of(
                "Namespace", "Vend",
                "MetricName", "Requests",
                "Dimensions", List.of(Map.of("Name", "decision", "Value", "error")))));
    }

    @Test
    void functionErrorsAlarmWhenOneLambdaErrorInFiveMinutesThenFires() {
        assertAlarm(anyInFiveMinutes(Map.of(
                "Namespace", "AWS/Lambda",
                "MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName",
                        "Value", Map.of("Ref", Match.stringLikeRegexp("^Function.*")))))));
    }

    @Test
    void functionThrottlesAlarmWhenOneLambdaThrottleInFiveMinutesThenFires() {
        assertAlarm(anyInFiveMinutes(Map.of(
                "Namespace", "AWS/Lambda",
                "MetricName", "Throttles",
                "Dimensions", List.of(Map.of("Name", "FunctionName",
                        "Value", Map.of("Ref", Match.stringLikeRegexp("^Function.*")))))));
    }

    @Test
    void apiServerErrorsAlarmWhenOne5xxInFiveMinutesThenFires() {
        assertAlarm(anyInFiveMinutes(Map.of(
                "Namespace", "AWS/ApiGateway",
                "MetricName", "5xx",
                "Dimensions", List.of(Map.of("Name", "ApiId",
                        "Value", Map.of("Ref", logicalId(http.api())))))));
    }

    @Test
    void alarmsWhenListedThenEveryAlarmOfTheTemplateWithADescriptionAndNoAction() {
        template.resourceCountIs("AWS::CloudWatch::Alarm", alarms.alarms().size());
        assertThat(alarms.alarms()).hasSize(13);
        assertThat(template.findResources("AWS::CloudWatch::Alarm")).allSatisfy((id, alarm) -> {
            @SuppressWarnings("unchecked")
            var properties = (Map<String, Object>) alarm.get("Properties");
            assertThat(properties).containsKey("AlarmDescription")
                    .doesNotContainKey("AlarmActions");
        });
    }
}
