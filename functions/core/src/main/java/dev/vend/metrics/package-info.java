// SPDX-License-Identifier: Apache-2.0
/**
 * Dependency metrics: what a component did for the request in progress (a KMS call, a policy
 * query, a cache lookup), recorded into that request's scope without knowing how, or whether,
 * the numbers are published.
 */
@NullMarked
package dev.vend.metrics;

import org.jspecify.annotations.NullMarked;
