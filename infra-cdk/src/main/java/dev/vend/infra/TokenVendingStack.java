// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import dev.vend.infra.constructs.PolicyTable;
import dev.vend.infra.constructs.SigningKey;
import dev.vend.infra.constructs.SingleUseTable;
import dev.vend.infra.constructs.VendingFunction;
import dev.vend.infra.constructs.VendingFunctionProps;
import dev.vend.infra.constructs.VendingHttpApi;
import dev.vend.infra.constructs.VendingHttpApiProps;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
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
    private final VendingFunction vendingFunction;

    /** Creates the stack under {@code scope}. */
    public TokenVendingStack(Construct scope, String id, TokenVendingStackProps props) {
        super(scope, id, props.stackProps());
        this.signingKey = new SigningKey(this, "SigningKey");
        this.policyTable = new PolicyTable(this, "PolicyTable");
        this.singleUseTable = new SingleUseTable(this, "SingleUseTable");
        this.httpApi = new VendingHttpApi(this, "HttpApi",
                new VendingHttpApiProps(props.throttle(), props.customDomain()));

        this.vendingFunction = new VendingFunction(this, "VendingFunction",
                VendingFunctionProps.builder()
                        .functionJar(props.functionJar())
                        .issuerUrl(httpApi.issuerUrl())
                        .signingKey(signingKey.key())
                        .policyTable(policyTable.table())
                        .singleUseTable(singleUseTable.table())
                        .build());
        httpApi.routeTo(vendingFunction.alias());

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

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
