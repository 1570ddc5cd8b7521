// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kms.KeySpec;
import software.amazon.awscdk.services.kms.KeyUsage;
import software.constructs.Construct;

/**
 * The asymmetric KMS key Vend signs its tokens with (ES256 on P-256).
 *
 * <p>The key is retained when the stack is deleted: tokens it signed may still be live, and a
 * deleted key can never verify them again. It has no alias, because Vend's configuration names
 * keys by ARN only. KMS does not rotate asymmetric keys; rotation is a new key listed as
 * {@code next}.
 */
public final class SigningKey extends Construct {

    private final Key key;

    /** Creates the key under {@code scope}. */
    public SigningKey(Construct scope, String id) {
        super(scope, id);
        this.key = Key.Builder.create(this, "Key")
                .description("Vend token signing key (ES256)")
                .keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.SIGN_VERIFY)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    /** The key, for grants and for the function's configuration. */
    public IKey key() {
        return key;
    }
}
