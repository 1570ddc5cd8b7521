// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.kms.IKey;

/**
 * What {@link VendingFunction} is built from and may touch. Build one with {@link #builder()}.
 *
 * @param functionJar the Lambda code: the shaded jar of {@code functions/api}
 * @param issuerUrl Vend's issuer URL, usually a token that resolves to the API endpoint
 * @param signingKey the key the function signs with; it gets {@code kms:Sign} and
 *     {@code kms:GetPublicKey} on this key and on no other
 * @param policyTable the table the function reads policies from
 * @param singleUseTable the table the function records consumed challenges and token ids in
 * @param stsEndpoint one more STS endpoint for AWS IAM proofs ({@code VEND_AWS_STS_ENDPOINT}), or
 *     null for AWS's own endpoints alone
 */
public record VendingFunctionProps(
        Path functionJar,
        String issuerUrl,
        IKey signingKey,
        ITableV2 policyTable,
        ITableV2 singleUseTable,
        @Nullable String stsEndpoint) {

    /** Refuses missing components. */
    public VendingFunctionProps {
        Objects.requireNonNull(functionJar, "functionJar");
        Objects.requireNonNull(issuerUrl, "issuerUrl");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(policyTable, "policyTable");
        Objects.requireNonNull(singleUseTable, "singleUseTable");
    }

    /** A builder with every component unset; all but the STS endpoint are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link VendingFunctionProps}; not thread-safe. */
    public static final class Builder {

        private @Nullable Path functionJar;
        private @Nullable String issuerUrl;
        private @Nullable IKey signingKey;
        private @Nullable ITableV2 policyTable;
        private @Nullable ITableV2 singleUseTable;
        private @Nullable String stsEndpoint;

        private Builder() {
        }

        /** Sets {@link VendingFunctionProps#functionJar()}. */
        public Builder functionJar(Path functionJar) {
            this.functionJar = functionJar;
            return this;
        }

        /** Sets {@link VendingFunctionProps#issuerUrl()}. */
        public Builder issuerUrl(String issuerUrl) {
            this.issuerUrl = issuerUrl;
            return this;
        }

        /** Sets {@link VendingFunctionProps#signingKey()}. */
        public Builder signingKey(IKey signingKey) {
            this.signingKey = signingKey;
            return this;
        }

        /** Sets {@link VendingFunctionProps#policyTable()}. */
        public Builder policyTable(ITableV2 policyTable) {
            this.policyTable = policyTable;
            return this;
        }

        /** Sets {@link VendingFunctionProps#singleUseTable()}. */
        public Builder singleUseTable(ITableV2 singleUseTable) {
            this.singleUseTable = singleUseTable;
            return this;
        }

        /** Sets {@link VendingFunctionProps#stsEndpoint()}; default none. */
        public Builder stsEndpoint(@Nullable String stsEndpoint) {
            this.stsEndpoint = stsEndpoint;
            return this;
        }

        /** Builds the props; throws {@link NullPointerException} naming a missing component. */
        public VendingFunctionProps build() {
            return new VendingFunctionProps(
                    functionJar, issuerUrl, signingKey, policyTable, singleUseTable, stsEndpoint);
        }
    }
}
