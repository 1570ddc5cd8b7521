// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.http;

import dev.vend.api.wiring.VendSettings;
import dev.vend.issue.KeyRing;
import dev.vend.issue.SigningKey;
import dev.vend.parse.TokenExchangeForm;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The discovery document (OpenID Connect Discovery 1.0 §3) and the JWKS (RFC 7517 §5), so any
 * relying party verifies Vend's tokens with a stock OIDC library.
 */
@Controller("/.well-known")
public class WellKnownController {

    private final VendSettings settings;
    private final KeyRing keys;
    private final Clock clock;

    public WellKnownController(VendSettings settings, KeyRing keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /** Every key that can still verify a live token: next, active and retiring ones. */
    @Get(uri = "/jwks.json", produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> jwks() {
        var body = new LinkedHashMap<String, Object>(keys.published(clock.instant()).toJSONObject(true));
        return Responses.json(HttpStatus.OK, body).header("Cache-Control",
                "public, max-age=" + keys.jwksMaxAge().toSeconds());
    }

    /** Where Vend's keys and token endpoint are. */
    @Get(uri = "/openid-configuration", produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> discovery() {
        String base = trimSlash(settings.issuerUrl());
        var body = new LinkedHashMap<String, Object>();
        body.put("issuer", settings.issuerUrl());
        body.put("jwks_uri", base + "/.well-known/jwks.json");
        body.put("token_endpoint", base + "/token");
        body.put("grant_types_supported", List.of(TokenExchangeForm.GRANT_TYPE));
        body.put("token_endpoint_auth_methods_supported", List.of("none"));
        body.put("response_types_supported", List.of("token"));
        body.put("subject_types_supported", List.of("public"));
        body.put("id_token_signing_alg_values_supported", keys.keys().stream()
                .map(SigningKey::algorithm).map(Object::toString).distinct().toList());
        return Responses.json(HttpStatus.OK, body).header("Cache-Control",
                "public, max-age=" + keys.jwksMaxAge().toSeconds());
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
