// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.model.VerifiedIdentity;
import java.util.List;

/**
 * Where compiled policies come from. Implementations return every policy that could match the
 * identity (at least all of its issuer's) and are thread-safe.
 */
public interface PolicyStore {

    /**
     * The candidate policies for one verified identity.
     *
     * @throws dev.vend.verify.VendingFailure if the store can not answer; never an empty list in
     *     place of an outage
     */
    List<Policy> candidates(VerifiedIdentity identity);
}
