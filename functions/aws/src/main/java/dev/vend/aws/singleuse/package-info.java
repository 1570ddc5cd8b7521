// SPDX-License-Identifier: Apache-2.0
/** The DynamoDB-backed {@link dev.vend.verify.SingleUseStore}: challenges and inbound jti. */
@NullMarked
package dev.vend.aws.singleuse;

import org.jspecify.annotations.NullMarked;
