// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.time.Instant;

/**
 * Records values that may be used once: challenges handed out by {@code POST /challenge}, and the
 * {@code jti} of inbound CI tokens. Implementations are thread-safe; a consumed value stays
 * consumed until it expires, whatever happens to the request that consumed it.
 */
public interface SingleUseStore {

    /**
     * Consumes a value once.
     *
     * @param key the value, namespaced by its kind and issuer
     * @param expiresAt when the value stops mattering (the token's expiry plus leeway)
     * @param now the current instant, so expiry is checked in the consuming write
     * @return true the first time, false on every later use
     * @throws VendingFailure if the store can not answer
     */
    boolean consume(String key, Instant expiresAt, Instant now);
}
