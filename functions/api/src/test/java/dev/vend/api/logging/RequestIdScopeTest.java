// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.audit.LogFields;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Binding an invocation's ids to the logging MDC, and unbinding them. */
class RequestIdScopeTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void openWhenLambdaContextNamesAnIdThenBothBoundUntilClose() {
        try (RequestIdScope ids = RequestIdScope.open(lambda("aws-1"))) {
            assertThat(ids.requestId()).matches("[0-9a-f]{32}");
            assertThat(MDC.get(LogFields.REQUEST_ID)).isEqualTo(ids.requestId());
            assertThat(MDC.get(LogFields.AWS_REQUEST_ID)).isEqualTo("aws-1");
            assertThat(RequestIdScope.current()).contains(ids.requestId());
        }

        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
        assertThat(RequestIdScope.current()).isEmpty();
    }

    @Test
    void openWhenContextHasNoLambdaRequestIdThenOnlyVendsIdBound() {
        try (RequestIdScope ids = RequestIdScope.open(lambda(" "))) {
            assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys(LogFields.REQUEST_ID);
        }
        try (RequestIdScope ids = RequestIdScope.open(null)) {
            assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys(LogFields.REQUEST_ID);
        }
    }

    @Test
    void joinWhenAnInvocationIsBoundThenSameIdAndClosingKeepsIt() {
        try (RequestIdScope invocation = RequestIdScope.open(lambda("aws-2"))) {
            try (RequestIdScope joined = RequestIdScope.join()) {
                assertThat(joined.requestId()).isEqualTo(invocation.requestId());
            }

            assertThat(MDC.get(LogFields.REQUEST_ID)).isEqualTo(invocation.requestId());
            assertThat(MDC.get(LogFields.AWS_REQUEST_ID)).isEqualTo("aws-2");
        }
    }

    @Test
    void joinWhenNothingIsBoundThenNewIdUnboundOnClose() {
        String requestId;
        try (RequestIdScope joined = RequestIdScope.join()) {
            requestId = joined.requestId();
            assertThat(MDC.get(LogFields.REQUEST_ID)).isEqualTo(requestId);
        }

        assertThat(requestId).matches("[0-9a-f]{32}");
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void openWhenAlreadyBoundThenNewIdAndCloseRestoresTheOuterOnes() {
        try (RequestIdScope outer = RequestIdScope.open(lambda("aws-outer"))) {
            try (RequestIdScope inner = RequestIdScope.open(null)) {
                assertThat(inner.requestId()).isNotEqualTo(outer.requestId());
                assertThat(MDC.get(LogFields.AWS_REQUEST_ID)).isNull();
            }

            assertThat(MDC.get(LogFields.REQUEST_ID)).isEqualTo(outer.requestId());
            assertThat(MDC.get(LogFields.AWS_REQUEST_ID)).isEqualTo("aws-outer");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    private static MockLambdaContext lambda(String awsRequestId) {
        return new MockLambdaContext() {
            @Override
            public String getAwsRequestId() {
                return awsRequestId;
            }
        };
    }
}
