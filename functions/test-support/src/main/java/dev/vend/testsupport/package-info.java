// SPDX-License-Identifier: Apache-2.0
/**
 * Test fixtures shared by every Vend module, used in test scope only: real keys, real signed
 * tokens, a throwaway certificate authority, an HTTPS OIDC issuer, Azure attested documents, EC2
 * instance documents and AWS IAM proofs signed at test time, a dynalite process, KMS and STS
 * fakes, the realdocs corpus, and a checker for CloudWatch Embedded Metric Format lines. Nothing
 * here mocks cryptography.
 */
@NullMarked
package dev.vend.testsupport;

import org.jspecify.annotations.NullMarked;
