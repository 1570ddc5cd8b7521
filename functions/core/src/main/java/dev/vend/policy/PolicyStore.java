// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.model.VerifiedIdentity;
import java.util.List;

/**
 * Where compiled policies come from. Implementations return every policy that could match the
 * identity (they may return more, never fewer) and are thread-safe.
 */
public interface PolicyStore {

    /**
     * The candidate policies for one verified identity.
     *
     * @throws dev.vend.verify.VendingFailure if the store can not answer; never an empty list in
     *     place of an outage
     */
    List<Policy> candidates(VerifiedIdentity identity);

    /**
     * Every policy an operator may want to see for this identity in {@code vend explain}: by
     * default the candidates; a store that narrows candidates by index returns the issuer's
     * whole set here.
     */
    default List<Policy> forExplanation(VerifiedIdentity identity) {
        return candidates(identity);
    }
}
