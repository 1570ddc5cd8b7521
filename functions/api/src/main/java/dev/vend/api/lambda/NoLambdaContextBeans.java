// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.function.aws.DefaultLambdaContextFactory;
import io.micronaut.function.aws.LambdaContextFactory;
import jakarta.inject.Singleton;

/**
 * Registers nothing per invocation, in place of Micronaut's {@link DefaultLambdaContextFactory}.
 *
 * <p>The default registers the invocation's {@link Context}, its logger, client context and
 * identity as new singletons of the application context on every invocation, and nothing ever
 * removes them: a warm execution environment's bean context grows by up to four definitions per
 * request, and every bean lookup scans them. In the 180 s load test (docs/performance.md) the
 * CPU time of a request grew from 6 to 17 ms over 21,000 requests for that reason alone. Vend
 * reads the Lambda context only as the handler's argument and injects none of these beans, so
 * registering them buys nothing.
 */
@Singleton
@Replaces(DefaultLambdaContextFactory.class)
public final class NoLambdaContextBeans implements LambdaContextFactory {

    @Override
    public void registerSingletons(Context context) {
        // Nothing: see the class comment.
    }
}
