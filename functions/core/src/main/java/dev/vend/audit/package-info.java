// SPDX-License-Identifier: Apache-2.0
/** Audit: one record per decision, never holding a token or a proof. */
@NullMarked
package dev.vend.audit;

import org.jspecify.annotations.NullMarked;
