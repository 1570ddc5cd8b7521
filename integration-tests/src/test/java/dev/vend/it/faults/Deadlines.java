// SPDX-License-Identifier: Apache-2.0
package dev.vend.it.faults;

import java.time.Duration;

/**
 * The time limits docs/faults.md states and derives from the clients' settings. The fault
 * matrix holds every answer to them, and checks that the settings still add up to them.
 */
final class Deadlines {

    /**
     * One AWS SDK call to DynamoDB, KMS or STS, retries and back-off included: the API call
     * timeout the three clients share, 3 s.
     */
    static final Duration AWS_CALL = Duration.ofSeconds(3);
    /** One HTTPS fetch of a discovery document or a key set, body included: 6 s. */
    static final Duration FETCH = Duration.ofSeconds(6);
    /** One IAM proof's {@code GetCallerIdentity} call to STS, body included: 6 s. */
    static final Duration STS_PROOF = Duration.ofSeconds(6);
    /**
     * One whole request at worst: an issuer's keys refreshed through discovery (two fetches),
     * then three AWS calls in turn (single use, policy, then KMS or STS): 21 s.
     */
    static final Duration REQUEST = Duration.ofSeconds(21);
    /**
     * What the rest of a request and a busy build machine may add to one dependency's bound: the
     * other steps of the request, the first TLS handshake of a new environment, and thread
     * scheduling on two cores shared with other builds.
     */
    static final Duration SLACK = Duration.ofSeconds(3);

    private Deadlines() {
    }
}
