// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * How a message names a URL read from configuration without repeating it: a configured URL may
 * carry credentials ({@code https://user:secret@host}, a token in its query), and a message that
 * refuses it ends up in a start error, a CI log or {@code cdk synth} output. A message names the
 * setting and the rule broken, and at most the URL's scheme and host when both are valid.
 * Stateless and thread-safe.
 */
public final class RedactedUrl {

    private RedactedUrl() {
    }

    /**
     * The URL's {@code scheme://host}, without user info, port, path, query or fragment; empty
     * when the text does not parse as a URL with a scheme and a host.
     */
    public static Optional<String> schemeAndHost(String text) {
        try {
            URI uri = new URI(text.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
            return Optional.of(uri.getScheme() + "://" + uri.getHost());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * The setting's name, followed by {@code (scheme://host)} when the value has both: for a
     * message such as {@code vend.aws-sts-endpoint (https://sts.example): user info is not
     * allowed}. Never the value itself.
     */
    public static String describe(String setting, String text) {
        return schemeAndHost(text).map(shown -> setting + " (" + shown + ")").orElse(setting);
    }
}
