// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.fuzz;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.vend.api.LambdaHarness;
import dev.vend.challenge.Challenges;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Vend's Lambda handler run by {@link LambdaHarness}, with every audit event kept by a
 * {@link RecordingAuditLog} in place of the factory's.
 */
final class FuzzHarness implements AutoCloseable {

    static final String VEND_ISSUER = LambdaHarness.VEND_ISSUER;

    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final LambdaHarness vend;

    private FuzzHarness(Path dir, String issuersYaml, Map<String, String> policies,
            Map<String, Object> settings) {
        this.vend = LambdaHarness.startConfigured(dir, issuersYaml, policies, settings,
                Clock.systemUTC(), audit);
    }

    /**
     * Starts a handler.
     *
     * @param dir a scratch folder
     * @param issuersYaml the issuer registry document
     * @param policies policy documents by file name
     * @param settings more {@code vend.*} settings: what the cloud verifiers trust
     */
    static FuzzHarness start(Path dir, String issuersYaml, Map<String, String> policies,
            Map<String, Object> settings) {
        return new FuzzHarness(dir, issuersYaml, policies, settings);
    }

    /** A challenge the deployment really issued, handed out without a request. */
    String challenge() {
        return vend.context().getBean(Challenges.class).issue().value();
    }

    /** A complete payload 2.0 event. */
    static APIGatewayV2HTTPEvent event(String method, String path, Map<String, String> headers,
            String body, boolean base64) {
        return LambdaHarness.event(method, path, headers, body, base64);
    }

    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        return vend.handle(event);
    }

    RecordingAuditLog audit() {
        return audit;
    }

    @Override
    public void close() {
        vend.close();
    }
}
