// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every local command shares: where issuers, policies and state live. */
final class LocalOptions {

    @Option(names = "--issuers", paramLabel = "FILE",
            description = "Issuer registry file (default: the embedded GitHub Actions and "
                    + "GitLab.com entries).")
    Path issuers;

    @Option(names = "--policies", paramLabel = "DIR", defaultValue = "policies",
            description = "Folder of policy documents (default: ${DEFAULT-VALUE}).")
    Path policies;

    @Option(names = "--issuer-url", paramLabel = "URL",
            description = "Vend's own issuer URL (default: http://localhost:<port> for serve, "
                    + "http://localhost:8080 for explain).")
    String issuerUrl;

    @Option(names = "--max-lifetime", paramLabel = "SECONDS", defaultValue = "3600",
            description = "Cap on issued token lifetime (default: ${DEFAULT-VALUE}).")
    long maxLifetimeSeconds;
}
