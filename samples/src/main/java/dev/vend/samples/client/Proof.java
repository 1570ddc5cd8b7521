// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.client;

import java.util.Objects;

/**
 * One workload proof: the subject token and its RFC 8693 type. A proof is used once: Vend
 * consumes its challenge or {@code jti}, so every attempt asks the supplier for a fresh one.
 *
 * @param subjectToken the token or document the platform signed
 * @param subjectTokenType its type URN
 */
public record Proof(String subjectToken, String subjectTokenType) {

    /** RFC 8693 §3: a JWT (OIDC tokens, GCE identity tokens). */
    public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

    public Proof {
        Objects.requireNonNull(subjectToken, "subjectToken");
        Objects.requireNonNull(subjectTokenType, "subjectTokenType");
    }

    /** A JWT proof. */
    public static Proof jwt(String token) {
        return new Proof(token, JWT);
    }

    @Override
    public String toString() {
        return "Proof[" + subjectTokenType + "]";
    }
}
