// SPDX-License-Identifier: Apache-2.0
/**
 * A small Java client for Vend: exchanges a workload proof for a Vend token (RFC 8693), caches it
 * until half its lifetime, retries outages with a fresh proof each time, and surfaces RFC 6749
 * errors as typed exceptions. Depends on the JDK and Nimbus JOSE+JWT only.
 */
package dev.vend.samples.client;
