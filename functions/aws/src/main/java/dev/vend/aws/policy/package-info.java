// SPDX-License-Identifier: Apache-2.0
/**
 * The DynamoDB-backed {@link dev.vend.policy.PolicyStore}: the table layout
 * ({@link dev.vend.aws.policy.PolicyTableLayout}), the cached store that reads it
 * ({@link dev.vend.aws.policy.DynamoDbPolicyStore}) and the sync that writes a policy folder into
 * it ({@link dev.vend.aws.policy.PolicyTableSync}). See docs/policies.md.
 */
@NullMarked
package dev.vend.aws.policy;

import org.jspecify.annotations.NullMarked;
