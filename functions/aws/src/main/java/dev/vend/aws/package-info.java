// SPDX-License-Identifier: Apache-2.0
/**
 * AWS SDK v2 adapters for Vend's core SPIs, and what they share: client construction
 * ({@link dev.vend.aws.DynamoDbClients}) and the sanitised mapping of SDK exceptions to
 * {@link dev.vend.verify.VendingFailure} ({@link dev.vend.aws.AwsFailures}).
 */
@NullMarked
package dev.vend.aws;

import org.jspecify.annotations.NullMarked;
