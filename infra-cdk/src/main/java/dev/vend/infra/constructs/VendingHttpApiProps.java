// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link VendingHttpApi} is built from.
 *
 * @param throttle the default stage's limits
 * @param customDomain the domain that serves the API and names the issuer, or null for the API's
 *     own execute-api endpoint
 */
public record VendingHttpApiProps(ApiThrottle throttle, @Nullable CustomDomain customDomain) {

    /** Refuses a missing throttle. */
    public VendingHttpApiProps {
        Objects.requireNonNull(throttle, "throttle");
    }
}
