// SPDX-License-Identifier: Apache-2.0
/** Verify: establish who is calling. The shared SPI, the issuer registry and JWKS fetching. */
@NullMarked
package dev.vend.verify;

import org.jspecify.annotations.NullMarked;
