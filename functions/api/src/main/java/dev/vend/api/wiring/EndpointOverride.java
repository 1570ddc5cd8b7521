// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import dev.vend.parse.RedactedUrl;
import dev.vend.verify.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The AWS endpoint overrides, {@code vend.kms-endpoint} and {@code vend.dynamodb-endpoint}: an
 * {@code http} or {@code https} URL with a host, and no user info, query or fragment. A problem
 * names the setting and the rule broken, and at most the URL's scheme and host: the value may
 * carry credentials, and the message becomes the function's start error.
 */
final class EndpointOverride {

    static final String KMS = "vend.kms-endpoint";
    static final String DYNAMODB = "vend.dynamodb-endpoint";

    private EndpointOverride() {
    }

    /**
     * The endpoint, or null when the value is blank.
     *
     * @throws InvalidConfigurationException when the value breaks a rule
     */
    static @Nullable URI parse(String setting, @Nullable String value) {
        var problems = new ArrayList<String>();
        URI endpoint = read(setting, value, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return endpoint;
    }

    /** The endpoint, or null when the value is blank or breaks a rule (added to problems). */
    static @Nullable URI read(String setting, @Nullable String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String refused = problem(value.strip());
        if (refused != null) {
            problems.add(RedactedUrl.describe(setting, value) + ": " + refused);
            return null;
        }
        return URI.create(value.strip());
    }

    private static @Nullable String problem(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"https".equals(scheme) && !"http".equals(scheme) || uri.getHost() == null) {
                return "must be an http or https URL with a host";
            }
            if (uri.getRawUserInfo() != null) {
                return "user info is not allowed";
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return "a query or fragment is not allowed";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a URL";
        }
    }
}
