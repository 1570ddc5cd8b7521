// SPDX-License-Identifier: Apache-2.0
/** OIDC tokens: GitHub Actions, GitLab CI, Kubernetes and any registered issuer, as presets. */
@NullMarked
package dev.vend.verify.oidc;

import org.jspecify.annotations.NullMarked;
