// SPDX-License-Identifier: Apache-2.0
/**
 * Signing with AWS KMS asymmetric keys: {@link dev.vend.aws.kms.KmsJwsSigner} (one KMS
 * {@code Sign} per token, RS256 and ES256) and {@link dev.vend.aws.kms.KmsSigningKeys}, which
 * fetches each configured key's public key once, at initialisation.
 */
@NullMarked
package dev.vend.aws.kms;

import org.jspecify.annotations.NullMarked;
