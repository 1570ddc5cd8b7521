// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegrationProps;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CfnRoute;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.DomainMappingOptions;
import software.amazon.awscdk.services.apigatewayv2.DomainName;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpRouteIntegration;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.PayloadFormatVersion;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * Vend's HTTP API (API Gateway v2, payload format 2.0): four routes to the function's alias, a
 * throttled {@code $default} stage with access logs, and an optional custom domain.
 *
 * <p>Build it before the function, whose configuration needs {@link #issuerUrl()}, then call
 * {@link #routeTo(IAlias)}. Routes take an {@link IAlias} on purpose: an integration with the
 * unqualified function would run {@code $LATEST}, where SnapStart never applies.
 */
public final class VendingHttpApi extends Construct {

    /** RFC 8693 token exchange. */
    public static final String TOKEN_PATH = "/token";
    /** Single-use challenges for attestations that bind a nonce. */
    public static final String CHALLENGE_PATH = "/challenge";
    /** Vend's public signing keys. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    /** OpenID Connect discovery, so relying parties find the JWKS. */
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    // HTTP API's own name for the stage served at the root of the endpoint.
    private static final String DEFAULT_STAGE_NAME = "$default";

    // One JSON line per request. Route key, never path or query: a token sent in a query string
    // must not land in the logs.
    private static final String ACCESS_LOG_FORMAT = "{"
            + "\"request_id\":\"$context.requestId\","
            + "\"request_time_epoch\":\"$context.requestTimeEpoch\","
            + "\"source_ip\":\"$context.identity.sourceIp\","
            + "\"route_key\":\"$context.routeKey\","
            + "\"status\":\"$context.status\","
            + "\"protocol\":\"$context.protocol\","
            + "\"response_length\":\"$context.responseLength\","
            + "\"integration_status\":\"$context.integrationStatus\","
            + "\"integration_latency_ms\":\"$context.integrationLatency\","
            + "\"response_latency_ms\":\"$context.responseLatency\"}";

    private final HttpApi api;
    private final LogGroup accessLogs;
    private final HttpStage stage;
    private final ApiThrottle challengeThrottle;
    private final String issuerUrl;
    private final @Nullable DomainName domain;

    /** Creates the API, its stage and, when configured, its custom domain. */
    public VendingHttpApi(Construct scope, String id, VendingHttpApiProps props) {
        super(scope, id);
        this.api = HttpApi.Builder.create(this, "Api")
                .apiName(Stack.of(this).getStackName())
                .description("Vend: workload token vending")
                .createDefaultStage(false)
                .build();
        CustomDomain customDomain = props.customDomain();
        this.domain = customDomain == null ? null : domainName(customDomain);
        this.accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(RetentionDays.ONE_MONTH)
                .build();
        this.stage = api.addStage("DefaultStage", stageOptions(props.throttle(), domain));
        this.challengeThrottle = props.challengeThrottle();
        this.issuerUrl = customDomain == null ? api.getApiEndpoint() : customDomain.issuerUrl();
    }

    /** Adds Vend's routes, all integrated with {@code target} through payload format 2.0. */
    public void routeTo(IAlias target) {
        HttpRouteIntegration integration = new HttpLambdaIntegration("Vend", target,
                HttpLambdaIntegrationProps.builder()
                        .payloadFormatVersion(PayloadFormatVersion.VERSION_2_0)
                        .build());
        route(HttpMethod.POST, TOKEN_PATH, integration);
        List<HttpRoute> challenge = route(HttpMethod.POST, CHALLENGE_PATH, integration);
        route(HttpMethod.GET, JWKS_PATH, integration);
        route(HttpMethod.GET, DISCOVERY_PATH, integration);
        throttleRoute(challenge, challengeThrottle);
    }

    /**
     * Per-route limits on the stage ({@code RouteSettings}, keyed by route key), which the
     * higher-level construct does not offer. API Gateway refuses settings for a route key the API
     * does not have yet, so the stage waits for the route.
     */
    private void throttleRoute(List<HttpRoute> routes, ApiThrottle throttle) {
        CfnStage cfnStage = (CfnStage) stage.getNode().getDefaultChild();
        Map<String, Object> settings = new LinkedHashMap<>();
        for (HttpRoute route : routes) {
            CfnRoute cfnRoute = (CfnRoute) route.getNode().getDefaultChild();
            settings.put(cfnRoute.getRouteKey(), Map.of(
                    "ThrottlingBurstLimit", throttle.burstLimit(),
                    "ThrottlingRateLimit", throttle.rateLimit()));
            cfnStage.getNode().addDependency(cfnRoute);
        }
        cfnStage.setRouteSettings(settings);
    }

    /** Vend's issuer URL: the custom domain's, else the API endpoint; no trailing slash. */
    public String issuerUrl() {
        return issuerUrl;
    }

    /** Where relying parties fetch Vend's public keys. */
    public String jwksUrl() {
        return issuerUrl + JWKS_PATH;
    }

    /** The API Gateway host a custom domain's DNS record must point at, if there is a domain. */
    public Optional<String> customDomainTarget() {
        return Optional.ofNullable(domain).map(DomainName::getRegionalDomainName);
    }

    /** The underlying API, for metrics and tests. */
    public HttpApi api() {
        return api;
    }

    /** The {@code $default} stage, for metrics and tests. */
    public HttpStage stage() {
        return stage;
    }

    /**
     * The stage's access log group: one JSON line per request, with the {@code status} API
     * Gateway answered; the only place its own throttling ({@code 429}) shows on its own.
     */
    public LogGroup accessLogs() {
        return accessLogs;
    }

    private List<HttpRoute> route(HttpMethod method, String path,
            HttpRouteIntegration integration) {
        return api.addRoutes(AddRoutesOptions.builder()
                .methods(List.of(method))
                .path(path)
                .integration(integration)
                .build());
    }

    private DomainName domainName(CustomDomain customDomain) {
        return DomainName.Builder.create(this, "Domain")
                .domainName(customDomain.domainName())
                .certificate(Certificate.fromCertificateArn(
                        this, "Certificate", customDomain.certificateArn()))
                .build();
    }

    private HttpStageOptions stageOptions(ApiThrottle throttle, @Nullable DomainName domain) {
        HttpStageOptions.Builder stage = HttpStageOptions.builder()
                .stageName(DEFAULT_STAGE_NAME)
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .burstLimit(throttle.burstLimit())
                        .rateLimit(throttle.rateLimit())
                        .build())
                .accessLogSettings(accessLogSettings());
        if (domain != null) {
            stage.domainMapping(DomainMappingOptions.builder().domainName(domain).build());
        }
        return stage.build();
    }

    private IAccessLogSettings accessLogSettings() {
        IAccessLogDestination destination = new LogGroupLogDestination(accessLogs);
        return new IAccessLogSettings() {
            @Override
            public IAccessLogDestination getDestination() {
                return destination;
            }

            @Override
            public AccessLogFormat getFormat() {
                return AccessLogFormat.custom(ACCESS_LOG_FORMAT);
            }
        };
    }
}
