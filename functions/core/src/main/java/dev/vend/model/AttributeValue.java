// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A typed value of a verified attribute. A GitLab {@code ref_protected} is the string
 * {@code "true"} and a GCE {@code project_number} a number: the preset decides, and a policy value
 * only ever matches a value of the same type.
 */
public sealed interface AttributeValue {

    /** The declared type of this value. */
    AttributeType type();

    /** A plain JSON-friendly form, for tokens and audit records. */
    Object toJson();

    /** A string attribute. */
    record Str(String value) implements AttributeValue {
        public Str {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public AttributeType type() {
            return AttributeType.STRING;
        }

        @Override
        public Object toJson() {
            return value;
        }
    }

    /** A number attribute, kept exact. */
    record Num(BigDecimal value) implements AttributeValue {
        public Num {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public AttributeType type() {
            return AttributeType.NUMBER;
        }

        @Override
        public Object toJson() {
            return value;
        }
    }

    /** A boolean attribute. */
    record Bool(boolean value) implements AttributeValue {
        @Override
        public AttributeType type() {
            return AttributeType.BOOLEAN;
        }

        @Override
        public Object toJson() {
            return value;
        }
    }

    /** A list of strings, such as GitLab's {@code groups}. */
    record StrList(List<String> values) implements AttributeValue {
        public StrList {
            values = List.copyOf(values);
        }

        @Override
        public AttributeType type() {
            return AttributeType.STRING_LIST;
        }

        @Override
        public Object toJson() {
            return values;
        }
    }
}
