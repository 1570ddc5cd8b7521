// SPDX-License-Identifier: Apache-2.0
/**
 * JMH benchmarks of Vend's warm path against its cryptographic floor, and of policy evaluation.
 * Run by hand from the shaded jar; see docs/performance.md for the command and the figures.
 */
@NullMarked
package dev.vend.bench;

import org.jspecify.annotations.NullMarked;
