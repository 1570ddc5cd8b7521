// SPDX-License-Identifier: Apache-2.0
/**
 * Test fixtures shared by every Vend module, used in test scope only: real keys, real signed
 * tokens, a throwaway certificate authority, an HTTPS OIDC issuer, a dynalite process, the
 * realdocs corpus, and a checker for CloudWatch Embedded Metric Format lines. Nothing here mocks
 * cryptography.
 */
@NullMarked
package dev.vend.testsupport;

import org.jspecify.annotations.NullMarked;
