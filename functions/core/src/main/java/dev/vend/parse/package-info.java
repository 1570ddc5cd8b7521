// SPDX-License-Identifier: Apache-2.0
/** Parse: request bytes to structure. Nothing here trusts or verifies anything. */
@NullMarked
package dev.vend.parse;

import org.jspecify.annotations.NullMarked;
