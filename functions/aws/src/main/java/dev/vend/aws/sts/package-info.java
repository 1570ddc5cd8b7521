// SPDX-License-Identifier: Apache-2.0
/**
 * Temporary AWS credentials through {@code sts:AssumeRole}:
 * {@link dev.vend.aws.sts.StsCredentialsVendor}.
 */
@NullMarked
package dev.vend.aws.sts;

import org.jspecify.annotations.NullMarked;
