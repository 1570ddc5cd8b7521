// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.verify.DenialReason;
import java.util.List;
import java.util.Objects;

/** The policy engine's answer for one request. Deny is a normal result, not an exception. */
public sealed interface Decision {

    /** Every candidate policy's outcome, for audit and explain. */
    List<PolicyOutcome> outcomes();

    /** The request is entitled by one enforcing policy. */
    record Allow(Entitlement entitlement, List<PolicyOutcome> outcomes) implements Decision {
        public Allow {
            Objects.requireNonNull(entitlement, "entitlement");
            outcomes = List.copyOf(outcomes);
        }
    }

    /** No enforcing policy entitles the request. */
    record Deny(DenialReason reason, List<PolicyOutcome> outcomes) implements Decision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
            outcomes = List.copyOf(outcomes);
        }
    }
}
