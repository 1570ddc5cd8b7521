// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import dev.vend.infra.constructs.ApiThrottle;
import dev.vend.infra.constructs.CustomDomain;
import dev.vend.parse.RedactedUrl;
import dev.vend.verify.aws.AwsVerifierConfig;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.StackProps;

/**
 * What {@link TokenVendingStack} is built from. Build one with {@link #builder(Path)}.
 *
 * @param functionJar the Lambda code: the shaded jar of {@code functions/api}
 * @param throttle the API's default-stage limits
 * @param challengeThrottle the limits of {@code POST /challenge}, at most the stage's
 * @param customDomain the domain that serves the API and names the issuer, or null for the API's
 *     execute-api endpoint
 * @param stackProps CDK's own stack settings (environment, description, tags)
 * @param policiesFolder the policy documents the deployment loads into the policy table, or null
 *     to load none (the table is then filled by other means, such as {@code vend policy sync})
 * @param issuersFile the issuer registry the documents are compiled against: the one the function
 *     uses (its embedded default unless configured); required with a policy folder
 * @param stsEndpoint one more STS endpoint for the AWS IAM proofs the function checks
 *     ({@code VEND_AWS_STS_ENDPOINT}), such as a FIPS or another partition's endpoint; an
 *     {@code https} URL, or null for AWS's own endpoints alone
 */
public record TokenVendingStackProps(
        Path functionJar,
        ApiThrottle throttle,
        ApiThrottle challengeThrottle,
        @Nullable CustomDomain customDomain,
        StackProps stackProps,
        @Nullable Path policiesFolder,
        @Nullable Path issuersFile,
        @Nullable String stsEndpoint) {

    /** Refuses missing required components. */
    public TokenVendingStackProps {
        Objects.requireNonNull(functionJar, "functionJar");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(challengeThrottle, "challengeThrottle");
        Objects.requireNonNull(stackProps, "stackProps");
        if (policiesFolder != null && issuersFile == null) {
            throw new IllegalArgumentException("a policy folder needs the issuer registry file its"
                    + " documents are compiled against");
        }
        if (stsEndpoint != null) {
            checkStsEndpoint(stsEndpoint);
        }
    }

    /**
     * Refuses at synth what the function would refuse at start, and plain {@code http}, which the
     * function accepts only for an emulator on its own loopback interface, never found in Lambda.
     * The message names the rule and at most the URL's scheme and host, never the URL: it may
     * carry credentials, and synth output lands in CI logs.
     */
    private static void checkStsEndpoint(String url) {
        try {
            var endpoint = AwsVerifierConfig.StsEndpoint.parse(url);
            if (!"https".equals(endpoint.url().getScheme())) {
                throw new IllegalArgumentException("the scheme must be https");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    RedactedUrl.describe("stsEndpoint", url) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A builder with default throttling, no custom domain, no policy folder and default stack
     * settings.
     */
    public static Builder builder(Path functionJar) {
        return new Builder(functionJar);
    }

    /** Builds {@link TokenVendingStackProps}; not thread-safe. */
    public static final class Builder {

        private final Path functionJar;
        private ApiThrottle throttle = ApiThrottle.DEFAULTS;
        private @Nullable ApiThrottle challengeThrottle;
        private @Nullable Path policiesFolder;
        private @Nullable Path issuersFile;
        private @Nullable CustomDomain customDomain;
        private @Nullable String stsEndpoint;
        private StackProps stackProps = StackProps.builder().build();

        private Builder(Path functionJar) {
            this.functionJar = Objects.requireNonNull(functionJar, "functionJar");
        }

        /** Sets {@link TokenVendingStackProps#throttle()}; default {@link ApiThrottle#DEFAULTS}. */
        public Builder throttle(ApiThrottle throttle) {
            this.throttle = throttle;
            return this;
        }

        /**
         * Sets {@link TokenVendingStackProps#challengeThrottle()}; default
         * {@link ApiThrottle#challengeDefaultFor} the stage's throttle.
         */
        public Builder challengeThrottle(@Nullable ApiThrottle challengeThrottle) {
            this.challengeThrottle = challengeThrottle;
            return this;
        }

        /** Sets {@link TokenVendingStackProps#issuersFile()}; default none. */
        public Builder issuersFile(@Nullable Path issuersFile) {
            this.issuersFile = issuersFile;
            return this;
        }

        /** Sets {@link TokenVendingStackProps#policiesFolder()}; default none. */
        public Builder policiesFolder(@Nullable Path policiesFolder) {
            this.policiesFolder = policiesFolder;
            return this;
        }

        /** Sets {@link TokenVendingStackProps#customDomain()}; default none. */
        public Builder customDomain(@Nullable CustomDomain customDomain) {
            this.customDomain = customDomain;
            return this;
        }

        /** Sets {@link TokenVendingStackProps#stsEndpoint()}; default none. */
        public Builder stsEndpoint(@Nullable String stsEndpoint) {
            this.stsEndpoint = stsEndpoint;
            return this;
        }

        /** Sets {@link TokenVendingStackProps#stackProps()}; default CDK's defaults. */
        public Builder stackProps(StackProps stackProps) {
            this.stackProps = stackProps;
            return this;
        }

        /** Builds the props. */
        public TokenVendingStackProps build() {
            ApiThrottle challenge = challengeThrottle != null ? challengeThrottle
                    : ApiThrottle.challengeDefaultFor(throttle);
            return new TokenVendingStackProps(functionJar, throttle, challenge,
                    customDomain, stackProps, policiesFolder, issuersFile, stsEndpoint);
        }
    }
}
