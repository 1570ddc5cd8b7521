// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

/** Where a signing key stands in its rotation (docs/runbooks/key-rotation.md). */
public enum KeyState {
    /** Published ahead of use, so relying parties cache it before the first token. */
    NEXT,
    /** Signs every new token. Exactly one key is active. */
    ACTIVE,
    /** Signs nothing; published until every token it signed has expired. */
    RETIRING
}
