// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.audit.AuditLog;
import dev.vend.verify.InMemorySingleUseStore;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One synthetic vend, end to end, with nothing real: a throwaway application context over a
 * throwaway folder holding an issuer with a fresh EC key and a static JWKS file, one policy and a
 * throwaway local signing key; a discarding audit log; an in-memory single-use store; no
 * environment variables (so no table, key ARN or issuer URL of the deployment is read) and no
 * CRaC registration. A {@code POST /token} event goes through {@link VendLambdaHandler} and every
 * stage (decode, parse, verify, evaluate, issue, render), followed by the two well-known reads.
 * Nothing touches the network, the deployment's audit log, its single-use table or its keys.
 *
 * <p>Stateless; each {@link #run()} builds and closes its own context and deletes its folder.
 */
final class SyntheticVend {

    static final String ISSUER = "https://priming.vend.invalid";
    private static final String CALLER = "https://ci.priming.vend.invalid";
    private static final String FORM = "application/x-www-form-urlencoded";

    private SyntheticVend() {
    }

    /**
     * What one run saw: the status of each request, in order ({@code POST /token}, JWKS,
     * discovery).
     */
    record Outcome(List<Integer> statuses) {
        Outcome {
            statuses = List.copyOf(statuses);
        }

        boolean succeeded() {
            return statuses.equals(List.of(200, 200, 200));
        }
    }

    /** Runs the synthetic requests; throws only if the throwaway setup itself fails. */
    static Outcome run() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vend-priming");
            ECKey callerKey = new ECKeyGenerator(Curve.P_256).keyID("priming").generate();
            try (ApplicationContext context = start(dir, callerKey)) {
                var handler = new VendLambdaHandler(context);
                var statuses = new ArrayList<Integer>();
                statuses.add(status(handler, tokenEvent(callerKey)));
                statuses.add(status(handler, event("GET", "/.well-known/jwks.json", null)));
                statuses.add(status(handler,
                        event("GET", "/.well-known/openid-configuration", null)));
                return new Outcome(statuses);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException("priming key", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static ApplicationContext start(Path dir, ECKey callerKey) throws IOException {
        Path jwks = Files.writeString(dir.resolve("jwks.json"),
                new JWKSet(callerKey.toPublicJWK()).toString());
        Path issuers = Files.writeString(dir.resolve("issuers.yaml"), """
                issuers:
                  - id: priming
                    issuer: %s
                    preset: oidc
                    jwksFile: %s
                    algorithms: [ES256]
                    singleUseJti: true
                """.formatted(CALLER, jwks));
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("priming.yaml"), """
                apiVersion: vend.dev/v1
                id: priming
                issuer: priming
                conditions:
                  sub: priming
                issue:
                  audiences: [https://api.priming.vend.invalid]
                  scopes: [prime]
                """);
        Map<String, Object> properties = new HashMap<>();
        properties.put("vend.issuer-url", ISSUER);
        properties.put("vend.issuers-file", issuers.toString());
        properties.put("vend.policies-folder", policies.toString());
        properties.put("vend.state-dir", dir.resolve("state").toString());
        // The priming context must not register its own CRaC resources (this one included).
        properties.put("crac.enabled", false);
        return ApplicationContext.builder()
                .environments("function", "lambda")
                .deduceEnvironment(false)
                .environmentPropertySource(false)
                .properties(properties)
                .singletons(AuditLog.discarding(), new InMemorySingleUseStore())
                .start();
    }

    private static int status(VendLambdaHandler handler, APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, new MockLambdaContext());
        return response.getStatusCode();
    }

    private static APIGatewayV2HTTPEvent tokenEvent(ECKey callerKey) throws JOSEException {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(CALLER).subject("priming").audience(ISSUER)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(callerKey.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new ECDSASigner(callerKey));
        String form = "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange")
                + "&subject_token=" + encode(jwt.serialize())
                + "&subject_token_type=" + encode("urn:ietf:params:oauth:token-type:jwt")
                + "&audience=" + encode("https://api.priming.vend.invalid")
                + "&scope=prime";
        return event("POST", "/token", form);
    }

    private static APIGatewayV2HTTPEvent event(String method, String path, String body) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                .withSourceIp("192.0.2.1").withUserAgent("vend-priming").build();
        var requestContext = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId("priming").withRouteKey(method + " " + path)
                .withStage("$default").withAccountId("000000000000").withApiId("priming")
                .withDomainName("priming.vend.invalid")
                .withTimeEpoch(System.currentTimeMillis()).build();
        Map<String, String> headers = new HashMap<>();
        if (body != null) {
            headers.put("content-type", FORM);
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey(method + " " + path).withRawPath(path)
                .withRawQueryString("").withHeaders(headers).withRequestContext(requestContext)
                .withBody(body).withIsBase64Encoded(false).build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder holds only throwaway keys; the snapshot goes on.
        }
    }
}
