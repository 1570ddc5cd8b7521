// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** Where an issuer's verification keys come from. Never from the token itself. */
public sealed interface KeySource {

    /** The issuer's OIDC discovery document names the JWKS. */
    record Discovery() implements KeySource {
    }

    /** A JWKS URL configured by the operator. */
    record JwksUri(URI uri) implements KeySource {
        public JwksUri {
            Objects.requireNonNull(uri, "uri");
        }
    }

    /** A static JWKS file, for private issuers and offline use. Read once at start. */
    record JwksFile(Path path) implements KeySource {
        public JwksFile {
            Objects.requireNonNull(path, "path");
        }
    }
}
