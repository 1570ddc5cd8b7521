// SPDX-License-Identifier: Apache-2.0
/** The CDK app that describes Vend's deployment: the app, its one stack and the stack's props. */
@NullMarked
package dev.vend.infra;

import org.jspecify.annotations.NullMarked;
