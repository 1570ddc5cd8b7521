// SPDX-License-Identifier: Apache-2.0
/** Vend: the whole flow from request to token, and its mapping to wire errors. */
@NullMarked
package dev.vend.vend;

import org.jspecify.annotations.NullMarked;
