// SPDX-License-Identifier: Apache-2.0
/** Vend: verify a workload's proof, evaluate policy, issue a short-lived token. */
@NullMarked
package dev.vend;

import org.jspecify.annotations.NullMarked;
