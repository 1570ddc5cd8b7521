// SPDX-License-Identifier: Apache-2.0
/**
 * Challenges: the single-use, short-lived nonces of {@code POST /challenge} that every cloud
 * proof carries (Azure in the attested document's {@code nonce}, GCE in the requested audience,
 * AWS in a signed header), so a copied instance document can not be replayed.
 */
@NullMarked
package dev.vend.challenge;

import org.jspecify.annotations.NullMarked;
