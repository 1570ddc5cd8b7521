// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads from a parsed document mapping that collect every problem instead of stopping at
 * the first, so a misconfigured deployment learns all its mistakes at once.
 */
public final class Fields {

    private final Map<String, Object> map;
    private final String where;
    private final List<String> problems;

    /**
     * @param map the mapping read from a document
     * @param where a human name for the mapping, used in problem messages
     * @param problems where problems are collected
     */
    public Fields(Map<String, Object> map, String where, List<String> problems) {
        this.map = map;
        this.where = where;
        this.problems = problems;
    }

    /** Records a problem against this mapping. */
    public void problem(String message) {
        problems.add(where + ": " + message);
    }

    /** Refuses members outside the allowed set. */
    public void allowOnly(Set<String> allowed) {
        var unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            problem("unknown field(s) " + unknown + "; allowed: " + new TreeSet<>(allowed));
        }
    }

    /** Whether the member is present. */
    public boolean has(String key) {
        return map.containsKey(key);
    }

    /** A required non-empty string. */
    public String requiredString(String key) {
        return optionalString(key).orElseGet(() -> {
            problem("'" + key + "' is required");
            return "";
        });
    }

    /** An optional string; a present member of another type is a problem. */
    public Optional<String> optionalString(String key) {
        Object value = map.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s && !s.isEmpty()) {
            return Optional.of(s);
        }
        problem("'" + key + "' must be a non-empty string");
        return Optional.empty();
    }

    /** An optional boolean with a default. */
    public boolean bool(String key, boolean defaultValue) {
        Object value = map.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        problem("'" + key + "' must be true or false");
        return defaultValue;
    }

    /** An optional whole number with a default. */
    public long integer(String key, long defaultValue) {
        Object value = map.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        problem("'" + key + "' must be a whole number");
        return defaultValue;
    }

    /** An optional list of non-empty strings; absent is an empty list. */
    public List<String> strings(String key) {
        Object value = map.get(key);
        if (value == null) {
            return List.of();
        }
        var out = new ArrayList<String>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String s && !s.isEmpty()) {
                    out.add(s);
                } else {
                    problem("'" + key + "' must list non-empty strings");
                    return List.of();
                }
            }
            return out;
        }
        problem("'" + key + "' must be a list of strings");
        return List.of();
    }

    /** An optional nested mapping; absent is empty. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> mapping(String key) {
        Object value = map.get(key);
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        problem("'" + key + "' must be a mapping");
        return Map.of();
    }

    /** A nested mapping read with the same problem list; absent reads as empty. */
    public Fields nested(String key) {
        return new Fields(mapping(key), where + " " + key, problems);
    }

    /** An optional list of mappings; absent is empty. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> mappings(String key) {
        Object value = map.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list && list.stream().allMatch(Map.class::isInstance)) {
            return (List<Map<String, Object>>) list;
        }
        problem("'" + key + "' must be a list of mappings");
        return List.of();
    }

}
