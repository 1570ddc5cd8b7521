// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import static dev.vend.infra.CdkTestSupport.getAtt;
import static dev.vend.infra.CdkTestSupport.logicalId;
import static dev.vend.infra.CdkTestSupport.ref;

import dev.vend.infra.constructs.ApiThrottle;
import dev.vend.infra.constructs.CustomDomain;
import dev.vend.infra.constructs.VendingFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack with a custom domain, its own throttling and one more STS endpoint, synthesized once
 * for the class.
 */
class TokenVendingStackCustomDomainTest {

    private static final String DOMAIN = "vend.example.com";
    private static final String CERTIFICATE_ARN =
            "arn:aws:acm:eu-west-1:123456789012:certificate/0b7c7b33-4a4e-4b8e-9c55-6f3a1c2d9e10";
    private static final String STS_ENDPOINT = "https://sts-fips.us-east-2.amazonaws.com";

    @TempDir
    static Path tempDir;

    private static Template template;
    private static String apiId;

    @BeforeAll
    static void synthesize() throws IOException {
        Path jar = CdkTestSupport.lambdaJar(tempDir.resolve("vend-api.jar"));
        TokenVendingStack stack = new TokenVendingStack(CdkTestSupport.app(), "VendCustomDomain",
                TokenVendingStackProps.builder(jar)
                        .customDomain(new CustomDomain(DOMAIN, CERTIFICATE_ARN))
                        .throttle(new ApiThrottle(20, 5.5))
                        .stsEndpoint(STS_ENDPOINT)
                        .build());
        template = Template.fromStack(stack);
        apiId = logicalId(stack.httpApi().api());
    }

    @Test
    void issuerUrlIsTheCustomDomainInOutputsAndFunctionEnvironment() {
        template.hasOutput(TokenVendingStack.ISSUER_URL_OUTPUT,
                Map.of("Value", "https://" + DOMAIN));
        template.hasOutput(TokenVendingStack.JWKS_URL_OUTPUT,
                Map.of("Value", "https://" + DOMAIN + "/.well-known/jwks.json"));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment",
                Map.of("Variables", Match.objectLike(Map.of(
                        "VEND_ISSUER_URL", "https://" + DOMAIN)))));
    }

    @Test
    void stsEndpointIsPassedToTheFunctionAsVendAwsStsEndpoint() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment",
                Map.of("Variables", Match.objectLike(Map.of(
                        VendingFunction.ENV_AWS_STS_ENDPOINT, STS_ENDPOINT)))));
    }

    @Test
    void domainIsMappedToTheDefaultStageWithItsCertificate() {
        template.hasResourceProperties("AWS::ApiGatewayV2::DomainName", Map.of(
                "DomainName", DOMAIN,
                "DomainNameConfigurations", Match.arrayWith(List.of(Match.objectLike(
                        Map.of("CertificateArn", CERTIFICATE_ARN))))));
        template.hasResourceProperties("AWS::ApiGatewayV2::ApiMapping", Map.of(
                "ApiId", ref(apiId),
                "Stage", "$default"));
        template.hasOutput(TokenVendingStack.CUSTOM_DOMAIN_TARGET_OUTPUT, Map.of("Value",
                getAtt(logicalIdOf("AWS::ApiGatewayV2::DomainName"), "RegionalDomainName")));
    }

    @Test
    void defaultStageUsesTheGivenThrottleLimits() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "DefaultRouteSettings", Map.of(
                        "ThrottlingBurstLimit", 20,
                        "ThrottlingRateLimit", 5.5)));
    }

    private static String logicalIdOf(String type) {
        return template.findResources(type).keySet().iterator().next();
    }
}
