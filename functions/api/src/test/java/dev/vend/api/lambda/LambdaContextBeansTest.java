// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.vend.api.LambdaHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.LambdaContextFactory;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm execution environment serves request after request; nothing of one may stay in the
 * application context. Regression: Micronaut's default registered each invocation's Lambda
 * context as new singletons, so the bean context grew with every request.
 */
class LambdaContextBeansTest {

    @TempDir
    Path dir;

    @Test
    void handleWhenManyInvocationsThenBeanContextDoesNotGrow() {
        try (ApplicationContext context = ApplicationContext.builder()
                .environments("function", "lambda", "test")
                .properties(Map.of("vend.issuer-url", LambdaHarness.VEND_ISSUER,
                        "vend.state-dir", dir.resolve("state").toString(),
                        "vend.policies-folder", dir.toString()))
                .start()) {
            var handler = new VendLambdaHandler(context);
            handler.handleRequest(jwks(), new MockLambdaContext());
            int definitionsAfterFirst = context.getAllBeanDefinitions().size();

            for (int i = 0; i < 200; i++) {
                assertThat(handler.handleRequest(jwks(), new MockLambdaContext())
                        .getStatusCode()).isEqualTo(200);
            }

            assertThat(context.getAllBeanDefinitions()).hasSize(definitionsAfterFirst);
            assertThat(context.getBeansOfType(Context.class)).isEmpty();
            assertThat(context.getBeansOfType(LambdaLogger.class)).isEmpty();
            assertThat(context.getBean(LambdaContextFactory.class))
                    .isInstanceOf(NoLambdaContextBeans.class);
        }
    }

    private static APIGatewayV2HTTPEvent jwks() {
        return LambdaHarness.event("GET", "/.well-known/jwks.json", new HashMap<>(), null, false);
    }
}
