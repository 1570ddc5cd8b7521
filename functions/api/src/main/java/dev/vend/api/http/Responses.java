// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.http;

import dev.vend.model.AwsCredentials;
import dev.vend.model.IssuedToken;
import dev.vend.parse.Json;
import dev.vend.vend.WireError;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders Vend's responses: RFC 8693 §2.2.1 success (with the AWS CLI {@code credential_process}
 * members for AWS credentials) and RFC 6749 §5.2 errors.
 */
final class Responses {

    private Responses() {
    }

    /** An error response, exactly as {@link WireError} defines it. */
    static MutableHttpResponse<String> error(WireError error, String requestId) {
        MutableHttpResponse<String> response =
                HttpResponse.<String>status(HttpStatus.valueOf(error.status()))
                        .body(error.body(requestId));
        error.headers().forEach(response::header);
        return response;
    }

    /** The RFC 8693 §2.2.1 response, never cached (RFC 6749 §5.1). */
    static MutableHttpResponse<String> issued(IssuedToken token) {
        var body = new LinkedHashMap<String, Object>();
        body.put("access_token", token.accessToken());
        body.put("issued_token_type", token.issuedTokenType());
        body.put("token_type", token.tokenType());
        body.put("expires_in", token.expiresInSeconds());
        if (!token.scopes().isEmpty()) {
            body.put("scope", String.join(" ", new TreeSet<>(token.scopes())));
        }
        AwsCredentials credentials = token.awsCredentials();
        if (credentials != null) {
            // The AWS CLI credential_process format, so the body plugs in as it is.
            body.put("Version", 1);
            body.put("AccessKeyId", credentials.accessKeyId());
            body.put("SecretAccessKey", credentials.secretAccessKey());
            body.put("SessionToken", credentials.sessionToken());
            body.put("Expiration", credentials.expiration().toString());
        }
        return json(HttpStatus.OK, body).header("Cache-Control", "no-store")
                .header("Pragma", "no-cache");
    }

    /** A JSON document response. */
    static MutableHttpResponse<String> json(HttpStatus status, Map<String, Object> body) {
        return HttpResponse.<String>status(status).body(Json.write(body))
                .header("Content-Type", "application/json;charset=UTF-8");
    }
}
