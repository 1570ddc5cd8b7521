// SPDX-License-Identifier: Apache-2.0
/** Azure IMDS attested documents (PKCS7), bound to a Vend challenge in their nonce. */
@NullMarked
package dev.vend.verify.azure;

import org.jspecify.annotations.NullMarked;
