// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One compiled condition on a verified attribute, in Vend's one matching language: an exact
 * value, any of a list of values, or a glob pattern. Patterns are always anchored at both ends and
 * their {@code *} never crosses {@code /} or {@code :}. A missing attribute, an empty string and an
 * empty list never match. Values compare with the attribute's declared type: a value of any
 * other type never matches, and only an attribute declared as a list is matched element by
 * element, so an attacker-supplied list can not satisfy a scalar condition (field case BUG-06 D).
 * Immutable.
 *
 * @param attribute the attribute name
 * @param type the attribute's type as the issuer's preset declares it
 * @param matcher how its value is matched
 */
public record Condition(String attribute, AttributeType type, Matcher matcher) {

    public Condition {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(matcher, "matcher");
    }

    /** Whether the attribute satisfies this condition. */
    public boolean matches(Optional<AttributeValue> value) {
        return value.filter(present -> present.type() == type)
                .map(this::matchesPresent)
                .orElse(false);
    }

    private boolean matchesPresent(AttributeValue value) {
        if (value instanceof AttributeValue.StrList list) {
            return list.values().stream()
                    .anyMatch(item -> matcher.matches(new AttributeValue.Str(item)));
        }
        return matcher.matches(value);
    }

    /** How one value is matched. */
    public sealed interface Matcher {

        /** Whether one scalar value matches. */
        boolean matches(AttributeValue value);

        /** Whether this matcher pins exact values (no pattern). */
        boolean exact();

        /** A readable form for explain output and lint messages. */
        String describe();
    }

    /** Equal to one of the given values (one value is the exact form). */
    public record AnyOf(List<AttributeValue> values) implements Matcher {
        public AnyOf {
            values = List.copyOf(values);
        }

        @Override
        public boolean matches(AttributeValue value) {
            if (value instanceof AttributeValue.Str str && str.value().isEmpty()) {
                return false;
            }
            return values.stream().anyMatch(candidate -> equal(candidate, value));
        }

        @Override
        public boolean exact() {
            return true;
        }

        @Override
        public String describe() {
            return values.size() == 1 ? "equals " + render(values.get(0))
                    : "any of " + values.stream().map(Condition::render).toList();
        }

        private static boolean equal(AttributeValue a, AttributeValue b) {
            if (a instanceof AttributeValue.Num x && b instanceof AttributeValue.Num y) {
                return x.value().compareTo(y.value()) == 0;
            }
            return a.equals(b);
        }
    }

    /** A glob: {@code *} stands for any run of characters other than {@code /} and {@code :}. */
    public record Glob(String pattern, Pattern compiled) implements Matcher {
        public Glob {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(compiled, "compiled");
        }

        /** Compiles a glob into a fully anchored expression. */
        public static Glob of(String pattern) {
            String[] literals = pattern.split("\\*", -1);
            var regex = new StringBuilder();
            for (int i = 0; i < literals.length; i++) {
                if (i > 0) {
                    regex.append("[^/:]*");
                }
                if (!literals[i].isEmpty()) {
                    regex.append(Pattern.quote(literals[i]));
                }
            }
            // Matcher.matches() anchors the expression at both ends.
            return new Glob(pattern, Pattern.compile(regex.toString()));
        }

        @Override
        public boolean matches(AttributeValue value) {
            return value instanceof AttributeValue.Str str && !str.value().isEmpty()
                    && compiled.matcher(str.value()).matches();
        }

        @Override
        public boolean exact() {
            return false;
        }

        @Override
        public String describe() {
            return "matches " + pattern;
        }
    }

    private static String render(AttributeValue value) {
        Object json = value.toJson();
        return json instanceof String s ? '"' + s + '"' : String.valueOf(json);
    }

    /** A number value for conditions, kept exact; null for NaN and the infinities. */
    static @Nullable AttributeValue number(Number n) {
        if ((n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue())) {
            return null;
        }
        return new AttributeValue.Num(new BigDecimal(n.toString()));
    }
}
