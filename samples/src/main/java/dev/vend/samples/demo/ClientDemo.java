// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.demo;

import dev.vend.samples.client.Proof;
import dev.vend.samples.client.VendClient;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java client against a running Vend: each attempt mints a fresh workload token from the
 * demo issuer, the first call exchanges it, the second is answered from the cache.
 * {@code ClientDemo <vendIssuerUrl> <dir>}.
 */
public final class ClientDemo {

    private ClientDemo() {
    }

    /** Runs the demo; exits non-zero when Vend does not issue. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ClientDemo <vendIssuerUrl> <dir>");
            System.exit(2);
        }
        String vend = args[0];
        Path dir = Path.of(args[1]);
        var proofsMinted = new AtomicInteger();
        VendClient client = VendClient.builder(URI.create(vend))
                .proofs(() -> {
                    proofsMinted.incrementAndGet();
                    return Proof.jwt(mint(dir, vend));
                })
                .audience(DemoIssuer.API_AUDIENCE)
                .scope("read")
                .build();

        String first = client.token();
        String second = client.token();

        System.out.println("token: " + first.substring(0, 12) + "...");
        System.out.println("proofs minted: " + proofsMinted.get());
        System.out.println("second call answered from the cache: " + first.equals(second));
        if (!first.equals(second) || proofsMinted.get() != 1) {
            System.exit(1);
        }
    }

    private static String mint(Path dir, String audience) {
        try {
            return DemoIssuer.mint(dir, audience, "workload-42", "refs/heads/main");
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        } catch (com.nimbusds.jose.JOSEException | java.text.ParseException e) {
            throw new IllegalStateException("the demo issuer could not sign", e);
        }
    }
}
