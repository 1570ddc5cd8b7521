// SPDX-License-Identifier: Apache-2.0
/** Compute Engine instance identity tokens ({@code format=full}), bound to a Vend challenge. */
@NullMarked
package dev.vend.verify.gce;

import org.jspecify.annotations.NullMarked;
