// SPDX-License-Identifier: Apache-2.0
/**
 * Test fixtures shared by every Vend module, used in test scope only (and by the benchmarks):
 * real keys, real signed tokens, cloud identity documents and IAM proofs signed at test time, a
 * throwaway certificate authority, an HTTPS OIDC issuer, a dynalite process and the realdocs
 * corpus. Nothing here mocks cryptography.
 */
@NullMarked
package dev.vend.testsupport;

import org.jspecify.annotations.NullMarked;
