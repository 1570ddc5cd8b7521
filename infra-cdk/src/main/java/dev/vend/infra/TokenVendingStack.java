// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import dev.vend.infra.constructs.PolicyDocuments;
import dev.vend.infra.constructs.PolicyTable;
import dev.vend.infra.constructs.SigningKey;
import dev.vend.infra.constructs.SingleUseTable;
import dev.vend.infra.constructs.VendingAlarms;
import dev.vend.infra.constructs.VendingFunction;
import dev.vend.infra.constructs.VendingFunctionProps;
import dev.vend.infra.constructs.VendingHttpApi;
import dev.vend.infra.constructs.VendingHttpApiProps;
import dev.vend.parse.YamlDocuments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.constructs.Construct;

/**
 * The whole Vend deployment: signing key, policy and single-use tables, the vending function and
 * the HTTP API in front of its alias. Composition only; each construct owns its details.
 *
 * <p>Outputs {@value #ISSUER_URL_OUTPUT} and {@value #JWKS_URL_OUTPUT} for relying parties,
 * {@value #SIGNING_KEY_ARN_OUTPUT} and {@value #POLICY_TABLE_NAME_OUTPUT} for operators, and
 * {@value #CUSTOM_DOMAIN_TARGET_OUTPUT} when a custom domain needs its DNS record.
 */
public final class TokenVendingStack extends Stack {

    /** Output: Vend's issuer URL. */
    public static final String ISSUER_URL_OUTPUT = "IssuerUrl";
    /** Output: the JWKS URL. */
    public static final String JWKS_URL_OUTPUT = "JwksUrl";
    /** Output: the signing key's ARN, as Vend's configuration lists it. */
    public static final String SIGNING_KEY_ARN_OUTPUT = "SigningKeyArn";
    /** Output: the policy table, where the deployment loads policies. */
    public static final String POLICY_TABLE_NAME_OUTPUT = "PolicyTableName";
    /** Output: the regional API Gateway host a custom domain's DNS record points at. */
    public static final String CUSTOM_DOMAIN_TARGET_OUTPUT = "CustomDomainTarget";

    private final SigningKey signingKey;
    private final PolicyTable policyTable;
    private final SingleUseTable singleUseTable;
    private final VendingHttpApi httpApi;
    /** The function's default cap on token lifetime ({@code vend.max-lifetime-seconds}). */
    static final long DEFAULT_MAX_LIFETIME_SECONDS = 3600;
    /** Stands in for Vend's issuer URL when only deploy time knows it. */
    static final String UNRESOLVED_ISSUER_URL = "https://vend.invalid";

    private final VendingFunction vendingFunction;
    private final VendingAlarms alarms;
    private final @Nullable PolicyDocuments policyDocuments;

    /** Creates the stack under {@code scope}. */
    public TokenVendingStack(Construct scope, String id, TokenVendingStackProps props) {
        super(scope, id, props.stackProps());
        this.signingKey = new SigningKey(this, "SigningKey");
        this.policyTable = new PolicyTable(this, "PolicyTable");
        this.singleUseTable = new SingleUseTable(this, "SingleUseTable");
        this.httpApi = new VendingHttpApi(this, "HttpApi",
                new VendingHttpApiProps(props.throttle(), props.challengeThrottle(),
                        props.customDomain()));

        this.vendingFunction = new VendingFunction(this, "VendingFunction",
                VendingFunctionProps.builder()
                        .functionJar(props.functionJar())
                        .issuerUrl(httpApi.issuerUrl())
                        .signingKey(signingKey.key())
                        .policyTable(policyTable.table())
                        .singleUseTable(singleUseTable.table())
                        .stsEndpoint(props.stsEndpoint())
                        .build());
        httpApi.routeTo(vendingFunction.alias());
        this.alarms = new VendingAlarms(this, "Alarms", vendingFunction.function(), httpApi);
        this.policyDocuments = props.policiesFolder() == null ? null
                : new PolicyDocuments(this, "PolicyDocuments", policyTable.table(),
                        policySource(props));

        output(ISSUER_URL_OUTPUT, httpApi.issuerUrl(), "Vend's issuer URL (iss of its tokens)");
        output(JWKS_URL_OUTPUT, httpApi.jwksUrl(), "Where relying parties fetch Vend's keys");
        output(SIGNING_KEY_ARN_OUTPUT, signingKey.key().getKeyArn(), "The token signing key");
        output(POLICY_TABLE_NAME_OUTPUT, policyTable.table().getTableName(),
                "The table the deployment loads policies into");
        httpApi.customDomainTarget().ifPresent(target -> output(CUSTOM_DOMAIN_TARGET_OUTPUT,
                target, "Point the custom domain's DNS record (CNAME or alias) here"));
    }

    /** The signing key construct. */
    public SigningKey signingKey() {
        return signingKey;
    }

    /** The policy table construct. */
    public PolicyTable policyTable() {
        return policyTable;
    }

    /** The single-use table construct. */
    public SingleUseTable singleUseTable() {
        return singleUseTable;
    }

    /** The HTTP API construct. */
    public VendingHttpApi httpApi() {
        return httpApi;
    }

    /** The vending function construct. */
    public VendingFunction vendingFunction() {
        return vendingFunction;
    }

    /** The alarms construct. */
    public VendingAlarms alarms() {
        return alarms;
    }

    /** The policy documents loaded into the policy table, if a folder was given. */
    public Optional<PolicyDocuments> policyDocuments() {
        return Optional.ofNullable(policyDocuments);
    }

    /**
     * What the loaded documents are compiled against. Vend's issuer URL is known here only when a
     * custom domain names it; otherwise it is the API endpoint, resolved at deploy time, and a
     * stand-in takes its place (its one use, refusing Vend itself as an audience, is checked
     * again by the function when it reads the item).
     */
    private PolicyDocuments.Source policySource(TokenVendingStackProps props) {
        Path issuersFile = Objects.requireNonNull(props.issuersFile()).toAbsolutePath();
        Map<String, Object> issuers;
        try {
            issuers = YamlDocuments.readMapping(issuersFile);
        } catch (YamlDocuments.DocumentException e) {
            throw new IllegalArgumentException("issuer registry: " + e.getMessage(), e);
        }
        String issuerUrl = Token.isUnresolved(httpApi.issuerUrl()) ? UNRESOLVED_ISSUER_URL
                : httpApi.issuerUrl();
        return new PolicyDocuments.Source(Objects.requireNonNull(props.policiesFolder()),
                issuers, issuersFile.getParent(), issuerUrl,
                Duration.ofSeconds(DEFAULT_MAX_LIFETIME_SECONDS));
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
