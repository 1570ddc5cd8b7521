// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a log line against the CloudWatch Embedded Metric Format specification (Amazon
 * CloudWatch User Guide, "Specification: Embedded metric format"): the {@code _aws} metadata
 * with an integer {@code Timestamp} and at least one metric directive; each directive with
 * exactly a namespace, dimension sets and metric definitions, at most 100 definitions; each
 * dimension set at most 30 keys, each naming a root member whose value is a string of at most
 * 1024 characters; each metric naming a root member that is a number or an array of at most 100
 * numbers, with a CloudWatch unit. Stateless.
 */
public final class EmfDocuments {

    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds",
            "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
            "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
            "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
            "Terabits/Second", "Count/Second", "None");
    private static final Set<String> DIRECTIVE_MEMBERS =
            Set.of("Namespace", "Dimensions", "Metrics");
    private static final int MAX_METRICS = 100;
    private static final int MAX_VALUES = 100;
    private static final int MAX_DIMENSION_KEYS = 30;
    private static final int MAX_DIMENSION_VALUE = 1024;

    private EmfDocuments() {
    }

    /** Every way the line breaks the specification; empty for a valid EMF document. */
    public static List<String> problems(String line) {
        var problems = new ArrayList<String>();
        Map<String, Object> root;
        try {
            root = JSONObjectUtils.parse(line);
        } catch (ParseException e) {
            return List.of("not a JSON object: " + e.getMessage());
        }
        if (!(root.get("_aws") instanceof Map<?, ?> metadata)) {
            return List.of("no _aws object");
        }
        if (!(metadata.get("Timestamp") instanceof Long)) {
            problems.add("_aws.Timestamp is not an integer");
        }
        if (!(metadata.get("CloudWatchMetrics") instanceof List<?> directives)
                || directives.isEmpty()) {
            problems.add("_aws.CloudWatchMetrics is not a non-empty array");
            return problems;
        }
        for (Object directive : directives) {
            checkDirective(directive, root, problems);
        }
        return problems;
    }

    /** The names of every metric the line's directives define, in order. */
    public static Set<String> metricNames(String line) {
        var names = new LinkedHashSet<String>();
        try {
            Map<String, Object> root = JSONObjectUtils.parse(line);
            Map<?, ?> metadata = (Map<?, ?>) root.get("_aws");
            for (Object directive : (List<?>) metadata.get("CloudWatchMetrics")) {
                for (Object definition : (List<?>) ((Map<?, ?>) directive).get("Metrics")) {
                    names.add(String.valueOf(((Map<?, ?>) definition).get("Name")));
                }
            }
        } catch (ParseException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not an EMF line", e);
        }
        return names;
    }

    private static void checkDirective(Object value, Map<String, Object> root,
            List<String> problems) {
        if (!(value instanceof Map<?, ?> directive)) {
            problems.add("a metric directive is not an object");
            return;
        }
        if (!DIRECTIVE_MEMBERS.equals(directive.keySet())) {
            problems.add("a directive has members " + directive.keySet());
        }
        if (!(directive.get("Namespace") instanceof String namespace) || namespace.isEmpty()
                || namespace.length() > 1024) {
            problems.add("a directive's Namespace is not a string of 1 to 1024 characters");
        }
        checkDimensions(directive.get("Dimensions"), root, problems);
        checkMetrics(directive.get("Metrics"), root, problems);
    }

    private static void checkDimensions(Object value, Map<String, Object> root,
            List<String> problems) {
        if (!(value instanceof List<?> sets) || sets.isEmpty()) {
            problems.add("Dimensions is not a non-empty array of dimension sets");
            return;
        }
        for (Object set : sets) {
            if (!(set instanceof List<?> keys) || keys.size() > MAX_DIMENSION_KEYS) {
                problems.add("a dimension set is not an array of at most 30 keys");
                continue;
            }
            for (Object key : keys) {
                Object target = key instanceof String name ? root.get(name) : null;
                if (!(target instanceof String text) || text.length() > MAX_DIMENSION_VALUE) {
                    problems.add("dimension " + key + " is not a root string of at most 1024 "
                            + "characters");
                }
            }
        }
    }

    private static void checkMetrics(Object value, Map<String, Object> root,
            List<String> problems) {
        if (!(value instanceof List<?> definitions) || definitions.size() > MAX_METRICS) {
            problems.add("Metrics is not an array of at most 100 definitions");
            return;
        }
        for (Object definition : definitions) {
            if (!(definition instanceof Map<?, ?> metric)
                    || !(metric.get("Name") instanceof String name) || name.isEmpty()) {
                problems.add("a metric definition has no Name");
                continue;
            }
            if (metric.containsKey("Unit") && !UNITS.contains(metric.get("Unit"))) {
                problems.add("metric " + name + " has unit " + metric.get("Unit"));
            }
            if (!isMetricTarget(root.get(name))) {
                problems.add("metric " + name + " is not a root number or array of at most 100 "
                        + "numbers");
            }
        }
    }

    private static boolean isMetricTarget(Object value) {
        if (value instanceof Number) {
            return true;
        }
        return value instanceof List<?> values && values.size() <= MAX_VALUES
                && values.stream().allMatch(Number.class::isInstance);
    }
}
