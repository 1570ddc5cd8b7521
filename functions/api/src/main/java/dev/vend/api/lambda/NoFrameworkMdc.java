// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vend.api.logging.RequestIdScope;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.function.aws.DefaultDiagnosticInfoPopulator;
import io.micronaut.function.aws.DiagnosticInfoPopulator;
import jakarta.inject.Singleton;

/**
 * Writes nothing into the logging MDC, in place of Micronaut's
 * {@link DefaultDiagnosticInfoPopulator}.
 *
 * <p>The default puts seven entries ({@code AWSRequestId}, the function's name, version, ARN and
 * memory, the remaining time and the X-Ray trace id) into the MDC on each invocation, after
 * Vend's own pre-framework checks have run, and never removes them: they stay on the thread and
 * appear on lines logged after the invocation and before the next one. The handler binds the
 * ids itself instead ({@link RequestIdScope}), under Vend's snake_case keys, from the first
 * line of an invocation to its last, and unbinds them when it returns.
 */
@Singleton
@Replaces(DefaultDiagnosticInfoPopulator.class)
public final class NoFrameworkMdc implements DiagnosticInfoPopulator {

    @Override
    public void populateMappingDiagnosticContextValues(Context context) {
        // Nothing: see the class comment.
    }

    @Override
    public void populateMappingDiagnosticContextWithXrayTraceId() {
        // Nothing: see the class comment.
    }
}
