// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.nimbusds.jose.jwk.JWK;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compute Engine instance identity tokens as the metadata server issues them with
 * {@code format=full}
 * (<a href="https://cloud.google.com/compute/docs/instances/verifying-instance-identity">Verifying
 * the identity of instances</a>), signed at test time: issuer {@code https://accounts.google.com},
 * the VM's service account as {@code sub} and {@code azp}, and a {@code google.compute_engine}
 * block for one VM. Stateless and thread-safe.
 */
public final class TestGceTokens {

    /** Google's issuer. */
    public static final String GOOGLE = "https://accounts.google.com";
    /** The VM's service account unique id, its {@code sub}. */
    public static final String SERVICE_ACCOUNT_ID = "104070955682298736149";
    /** The VM's instance id. */
    public static final String INSTANCE_ID = "2589221140676718026";

    private TestGceTokens() {
    }

    /**
     * A builder for the VM's token, signed with {@code key} for {@code audience}; the usual
     * {@link TestTokens.Builder} defaults apply (issued now, five minutes of life).
     */
    public static TestTokens.Builder vmToken(JWK key, String audience) {
        return TestTokens.signedWith(key).issuer(GOOGLE)
                .subject(SERVICE_ACCOUNT_ID)
                .audience(audience)
                .claim("azp", SERVICE_ACCOUNT_ID)
                .claim("email", "161958465613-compute@developer.gserviceaccount.com")
                .claim("email_verified", true)
                .claim("google", Map.of("compute_engine", computeEngine()));
    }

    /** The VM's {@code google.compute_engine} block, a new mutable map on every call. */
    public static Map<String, Object> computeEngine() {
        var block = new LinkedHashMap<String, Object>();
        block.put("instance_creation_timestamp", 1616595847L);
        block.put("instance_id", INSTANCE_ID);
        block.put("instance_name", "instance-1");
        block.put("project_id", "vend-prod-4711");
        block.put("project_number", 161958465613L);
        block.put("zone", "us-east1-b");
        return block;
    }
}
