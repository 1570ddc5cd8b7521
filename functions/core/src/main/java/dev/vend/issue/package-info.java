// SPDX-License-Identifier: Apache-2.0
/** Issue: mint Vend access tokens and publish the keys that verify them. */
@NullMarked
package dev.vend.issue;

import org.jspecify.annotations.NullMarked;
