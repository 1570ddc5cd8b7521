// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.api.local.LocalServer;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vend serve}: the local server on embedded defaults. Policies come from a folder, the
 * signing key from a local file created on first run in the state folder.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run Vend locally: POST /token, JWKS and discovery.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    LocalOptions local;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = ".vend",
            description = "State folder holding the local signing key (default: ${DEFAULT-VALUE}).")
    Path state;

    @Option(names = "--key-alg", defaultValue = "ES256",
            description = "Algorithm of a key created on first run: ES256 or RS256.")
    String keyAlgorithm;

    @Override
    public Integer call() throws IOException {
        String issuerUrl = local.issuerUrl != null ? local.issuerUrl : "http://localhost:" + port;
        Map<String, Object> properties = new HashMap<>();
        properties.put("vend.issuer-url", issuerUrl);
        properties.put("vend.policies-folder", local.policies.toAbsolutePath().toString());
        properties.put("vend.state-dir", state.toAbsolutePath().toString());
        properties.put("vend.local-key-algorithm", keyAlgorithm);
        properties.put("vend.max-lifetime-seconds", local.maxLifetimeSeconds);
        if (local.issuers != null) {
            properties.put("vend.issuers-file", local.issuers.toAbsolutePath().toString());
        }
        ApplicationContext context = ApplicationContext.builder()
                .environments("local")
                .properties(properties)
                .start();
        var server = LocalServer.start(new VendLambdaHandler(context), port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            context.close();
        }));
        System.out.println("vend: serving " + issuerUrl + " on http://127.0.0.1:" + server.port()
                + " (policies " + local.policies + ")");
        return 0;
    }
}
