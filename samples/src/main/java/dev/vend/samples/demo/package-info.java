// SPDX-License-Identifier: Apache-2.0
/**
 * The local demo's programs: a throwaway workload issuer
 * ({@link dev.vend.samples.demo.DemoIssuer}), a relying party that verifies Vend's tokens with
 * stock Nimbus JOSE+JWT ({@link dev.vend.samples.demo.RelyingParty}) and two small helpers for
 * {@code run.sh}. They talk to Vend over HTTP only and use no Vend code.
 */
package dev.vend.samples.demo;
