// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.verify.ClaimAttributes;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.util.List;

/**
 * The Compute Engine checks on a verified Google token, before its claims are mapped to
 * attributes by the shared {@link ClaimAttributes}. The
 * {@code google.compute_engine} block is required: Google signs tokens for every service account
 * and user, and only this block says the caller is a VM. {@code project_id}, {@code zone} and
 * {@code instance_id} must be strings and {@code project_number} a number, as Google sends them.
 */
final class GceMapping {

    static final List<String> REQUIRED_STRINGS = List.of("project_id", "zone", "instance_id");

    private GceMapping() {
    }

    static void requireComputeEngine(ObjectNode claims) {
        JsonNode google = claims.get("google");
        JsonNode block = google != null && google.isObject() ? google.get("compute_engine") : null;
        if (block == null || !block.isObject()) {
            throw new DenialException(DenialReason.MISSING_CLAIM,
                    "no google.compute_engine block: not a VM identity (format=full)");
        }
        for (String name : REQUIRED_STRINGS) {
            JsonNode value = block.get(name);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                throw new DenialException(DenialReason.MISSING_CLAIM, "compute_engine." + name);
            }
        }
        JsonNode number = block.get("project_number");
        if (number == null || !number.isIntegralNumber()) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "compute_engine.project_number");
        }
        JsonNode sub = claims.get("sub");
        if (sub == null || !sub.isTextual() || sub.asText().isEmpty()) {
            throw new DenialException(DenialReason.MISSING_CLAIM, "no service account id (sub)");
        }
    }
}
