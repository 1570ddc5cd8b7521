// SPDX-License-Identifier: Apache-2.0
/**
 * How Vend logs: {@link dev.vend.api.logging.VendLogConfigurator} sets logback up in code, with
 * audit and metric lines on standard output as written and every other line as JSON on standard
 * error. See docs/deployment.md, "Logs and metrics".
 */
package dev.vend.api.logging;
