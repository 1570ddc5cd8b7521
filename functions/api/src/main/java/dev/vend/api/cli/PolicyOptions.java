// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options the {@code vend policy} commands share: the issuer registry and deployment limits. */
final class PolicyOptions {

    @Option(names = "--issuers", paramLabel = "FILE",
            description = "Issuer registry file; repeat to combine several (each id and issuer "
                    + "once). Default: the embedded GitHub Actions and GitLab.com entries.")
    List<Path> issuers = new ArrayList<>();

    @Option(names = "--issuer-url", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "Vend's own issuer URL, which no policy may issue for "
                    + "(default: ${DEFAULT-VALUE}).")
    String issuerUrl;

    @Option(names = "--max-lifetime", paramLabel = "SECONDS", defaultValue = "3600",
            description = "The deployment's cap on issued token lifetime "
                    + "(default: ${DEFAULT-VALUE}).")
    long maxLifetimeSeconds;
}
