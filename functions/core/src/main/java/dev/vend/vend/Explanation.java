// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Decision;

/**
 * What {@code vend explain} shows an operator: the verified identity and every candidate policy's
 * outcome. Never sent to callers.
 *
 * @param identity the verified identity
 * @param decision the policy decision with every outcome
 */
public record Explanation(VerifiedIdentity identity, Decision decision) {
}
