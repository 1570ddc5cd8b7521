// SPDX-License-Identifier: Apache-2.0
/**
 * AWS Lambda SnapStart support: {@link dev.vend.api.snapstart.SnapStartPriming}, the CRaC
 * resource that warms the whole vend path before the snapshot and resets every
 * {@link dev.vend.RestoreAware} component after each restore, and the restore-aware holders the
 * wiring uses for state that must not cross a restore (SDK clients, the key publication check).
 * See docs/deployment.md.
 */
package dev.vend.api.snapstart;
