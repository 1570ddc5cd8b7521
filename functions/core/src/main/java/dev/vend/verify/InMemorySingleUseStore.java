// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A single-use store for one process: the local server, tests and SnapStart priming.
 *
 * <p><strong>Limitation:</strong> values are kept in this process only, so two local servers do
 * not share what they consumed. Lambda uses the DynamoDB store instead.
 */
public final class InMemorySingleUseStore implements SingleUseStore {

    private final ConcurrentMap<String, Instant> consumed = new ConcurrentHashMap<>();

    @Override
    public boolean consume(String key, Instant expiresAt, Instant now) {
        consumed.values().removeIf(expiry -> expiry.isBefore(now));
        return consumed.putIfAbsent(key, expiresAt) == null;
    }
}
