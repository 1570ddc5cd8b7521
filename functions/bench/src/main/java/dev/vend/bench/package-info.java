// SPDX-License-Identifier: Apache-2.0
/**
 * JMH benchmarks of Vend's warm path and of the cloud identity verifiers (EC2 bundle, IAM proof,
 * Azure attested document, GCE identity token), each against its cryptographic floor in the same
 * run, and of policy evaluation. Run by hand from the shaded jar; see docs/performance.md for the
 * commands and the figures.
 */
@NullMarked
package dev.vend.bench;

import org.jspecify.annotations.NullMarked;
