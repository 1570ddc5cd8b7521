// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An error response as the caller sees it: status, RFC 6749 §5.2 error code and one constant
 * description. Nothing in it is built from input.
 *
 * @param status the HTTP status
 * @param error the RFC 6749 / RFC 8693 error code
 * @param description the constant {@code error_description}
 * @param retryAfterSeconds the {@code Retry-After} value for 503, or null
 */
public record WireError(int status, String error, String description,
        @Nullable Integer retryAfterSeconds) {

    public WireError {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(description, "description");
    }

    /** The JSON body, members in a fixed order. */
    public String body(String requestId) {
        return "{\"error\":\"" + error + "\",\"error_description\":\"" + description
                + "\",\"request_id\":\"" + requestId + "\"}";
    }

    /**
     * The response headers besides {@code Date}: JSON, never cached (RFC 6749 §5.1), and
     * {@code Retry-After} for outages.
     */
    public Map<String, String> headers() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json;charset=UTF-8");
        headers.put("Cache-Control", "no-store");
        headers.put("Pragma", "no-cache");
        if (retryAfterSeconds != null) {
            headers.put("Retry-After", retryAfterSeconds.toString());
        }
        return headers;
    }
}
