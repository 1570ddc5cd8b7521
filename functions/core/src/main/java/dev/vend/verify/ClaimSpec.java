// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.model.AttributeType;
import java.util.List;
import java.util.Objects;

/**
 * One attribute a preset reads from verified evidence: its name in policies, where it sits in the
 * claim set, and its declared type.
 *
 * @param attribute the attribute name policies use
 * @param path the member names leading to the claim, outermost first
 * @param type the declared type; a claim of another JSON type is treated as absent
 */
public record ClaimSpec(String attribute, List<String> path, AttributeType type) {

    public ClaimSpec {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(type, "type");
        path = List.copyOf(path);
    }

    /** A top-level string claim whose attribute name is the claim name. */
    public static ClaimSpec string(String claim) {
        return new ClaimSpec(claim, List.of(claim), AttributeType.STRING);
    }

    /** A top-level claim of the given type whose attribute name is the claim name. */
    public static ClaimSpec of(String claim, AttributeType type) {
        return new ClaimSpec(claim, List.of(claim), type);
    }

    /** A nested claim, exposed under its own attribute name. */
    public static ClaimSpec nested(String attribute, AttributeType type, String... path) {
        return new ClaimSpec(attribute, List.of(path), type);
    }
}
