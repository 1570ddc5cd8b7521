// SPDX-License-Identifier: Apache-2.0
/** Evaluate: policy documents, the matching language and the engine that decides. */
@NullMarked
package dev.vend.policy;

import org.jspecify.annotations.NullMarked;
