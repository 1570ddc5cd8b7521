// SPDX-License-Identifier: Apache-2.0
/**
 * AWS: the IAM proof (a SigV4-signed {@code sts:GetCallerIdentity} request, rebuilt and sent to
 * STS by Vend) and the EC2 bundle (an instance identity document plus the instance's own IAM
 * proof). An instance document alone is never accepted: it is replayable for the instance's life.
 */
@NullMarked
package dev.vend.verify.aws;

import org.jspecify.annotations.NullMarked;
