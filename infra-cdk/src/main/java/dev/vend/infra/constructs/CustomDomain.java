// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A custom domain for the HTTP API. When one is given, {@code https://<domainName>} is Vend's
 * issuer URL instead of the API's execute-api endpoint.
 *
 * <p>The certificate must be an ACM certificate in the stack's region that covers the name. The
 * DNS record that points the name at the API's regional domain is left to the operator; the stack
 * outputs its target.
 *
 * @param domainName a host name such as {@code vend.example.com}: no scheme, port or path
 * @param certificateArn the ARN of the ACM certificate for {@code domainName}
 */
public record CustomDomain(String domainName, String certificateArn) {

    // At least two dot-separated labels of letters, digits and inner hyphens; no trailing dot.
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ACM_ARN =
            Pattern.compile("arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+");

    /** Lower-cases the name; refuses a value that is not a host name or not an ACM ARN. */
    public CustomDomain {
        Objects.requireNonNull(domainName, "domainName");
        Objects.requireNonNull(certificateArn, "certificateArn");
        domainName = domainName.toLowerCase(Locale.ROOT);
        if (!HOST_NAME.matcher(domainName).matches()) {
            // Not the value: one pasted as a URL may carry credentials, and this reaches CI logs.
            throw new IllegalArgumentException("custom domain must be a host name such as"
                    + " vend.example.com, with no scheme, user info, port or path");
        }
        if (!ACM_ARN.matcher(certificateArn).matches()) {
            throw new IllegalArgumentException("custom domain certificate must be an ACM"
                    + " certificate ARN, was '" + certificateArn + "'");
        }
    }

    /** The issuer URL this domain gives Vend: {@code https://<domainName>}, no trailing slash. */
    public String issuerUrl() {
        return "https://" + domainName;
    }
}
