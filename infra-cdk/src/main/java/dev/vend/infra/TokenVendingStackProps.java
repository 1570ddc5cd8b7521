// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import dev.vend.infra.constructs.ApiThrottle;
import dev.vend.infra.constructs.CustomDomain;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.StackProps;

/**
 * What {@link TokenVendingStack} is built from. Build one with {@link #builder(Path)}.
 *
 * @param functionJar the Lambda code: the shaded jar of {@code functions/api}
 * @param throttle the API's default-stage limits
 * @param customDomain the domain that serves the API and names the issuer, or null for the API's
 *     execute-api endpoint
 * @param stackProps CDK's own stack settings (environment, description, tags)
 */
public record TokenVendingStackProps(
        Path functionJar,
        ApiThrottle throttle,
        @Nullable CustomDomain customDomain,
        StackProps stackProps) {

    /** Refuses missing required components. */
    public TokenVendingStackProps {
        Objects.requireNonNull(functionJar, "functionJar");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(stackProps, "stackProps");
    }

    /** A builder with default throttling, no custom domain and default stack settings. */
    public static Builder builder(Path functionJar) {
        return new Builder(functionJar);
    }

    /** Builds {@link TokenVendingStackProps}; not thread-safe. */
    public static final class Builder {

        private final Path functionJar;
        private ApiThrottle throttle = ApiThrottle.DEFAULTS;
        private @Nullable CustomDomain customDomain;
        private StackProps stackProps = StackProps.builder().build();

        private Builder(Path functionJar) {
            this.functionJar = Objects.requireNonNull(functionJar, "functionJar");
        }

        /** Sets {@link TokenVendingStackProps#throttle()}; default {@link ApiThrottle#DEFAULTS}. */
        public Builder throttle(ApiThrottle throttle) {
            this.throttle = throttle;
            return this;
        }

        /** Sets {@link TokenVendingStackProps#customDomain()}; default none. */
        public Builder customDomain(@Nullable CustomDomain customDomain) {
            this.customDomain = customDomain;
            return this;
        }

        /** Sets {@link TokenVendingStackProps#stackProps()}; default CDK's defaults. */
        public Builder stackProps(StackProps stackProps) {
            this.stackProps = stackProps;
            return this;
        }

        /** Builds the props. */
        public TokenVendingStackProps build() {
            return new TokenVendingStackProps(functionJar, throttle, customDomain, stackProps);
        }
    }
}
