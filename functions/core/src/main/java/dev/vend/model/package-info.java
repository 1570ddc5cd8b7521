// SPDX-License-Identifier: Apache-2.0
/** Immutable values that flow through the pipeline: attestations, identities, issued tokens. */
@NullMarked
package dev.vend.model;

import org.jspecify.annotations.NullMarked;
