// SPDX-License-Identifier: Apache-2.0
/** The local server: plain HTTP on loopback, through the same handler as Lambda. */
package dev.vend.api.local;
