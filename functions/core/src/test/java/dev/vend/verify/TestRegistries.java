// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.parse.YamlDocuments;
import dev.vend.testsupport.TestOidcIssuer;
import java.nio.file.Path;
import java.time.Duration;

/** Builds issuer registries the way a deployment does: from YAML text, through every check. */
public final class TestRegistries {

    /** Vend's own issuer URL in these tests, and so the default inbound audience. */
    public static final String VEND = "https://vend.example";

    private TestRegistries() {
    }

    /** The deployment settings used by the tests; relative JWKS files resolve under baseDir. */
    public static IssuerRegistry.Settings settings(Path baseDir) {
        return new IssuerRegistry.Settings(VEND, baseDir);
    }

    /**
     * Parses and checks an issuer document.
     *
     * @throws InvalidConfigurationException as a deployment start would
     */
    public static IssuerRegistry fromYaml(String yaml, Path baseDir) {
        try {
            return IssuerRegistry.fromDocument(
                    YamlDocuments.parseMapping(yaml, "issuers.yaml"), settings(baseDir));
        } catch (YamlDocuments.DocumentException e) {
            throw new IllegalArgumentException("test YAML does not parse: " + e.getMessage(), e);
        }
    }

    /** A fetcher that trusts the test CA, with a short timeout so failures stay fast. */
    public static HttpsFetcher fetcherFor(TestOidcIssuer issuer) {
        return new HttpsFetcher(issuer.sslContext(), Duration.ofSeconds(2));
    }
}
