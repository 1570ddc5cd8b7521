// SPDX-License-Identifier: Apache-2.0
/**
 * The constructs {@link dev.vend.infra.TokenVendingStack} is composed of: the signing key, the two
 * tables, the function and the HTTP API. Each construct owns its least-privilege wiring.
 */
@NullMarked
package dev.vend.infra.constructs;

import org.jspecify.annotations.NullMarked;
