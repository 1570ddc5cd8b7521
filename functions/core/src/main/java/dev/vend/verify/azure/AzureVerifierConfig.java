// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import dev.vend.Lazy;
import dev.vend.challenge.Challenges;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the Azure verifier needs.
 *
 * @param roots the trust anchors for the signer certificate, usually {@link #BUNDLED}: asked for
 *     at every verification, and never empty
 * @param intermediates issuing CA certificates the signer may chain through (the attested
 *     document carries only the signer certificate)
 * @param challenges where the document's nonce is consumed
 * @param clock the clock that decides expiry and certificate validity
 */
public record AzureVerifierConfig(Supplier<List<X509Certificate>> roots,
        List<X509Certificate> intermediates, Challenges challenges, Clock clock) {

    /** The classpath resource holding the bundled roots (see the README beside it). */
    public static final String BUNDLED_ROOTS = "dev/vend/verify/azure/imds-roots.pem";

    /**
     * The bundled roots, read on first use: a deployment that never sees an Azure proof does not
     * parse certificates at start (about 20 ms of a cold start). They are public trust anchors,
     * the same in every environment, so SnapStart priming may read them before the snapshot.
     */
    public static final Supplier<List<X509Certificate>> BUNDLED =
            new Lazy<>(AzureVerifierConfig::bundledRoots);

    public AzureVerifierConfig {
        Objects.requireNonNull(roots, "roots");
        intermediates = List.copyOf(intermediates);
        Objects.requireNonNull(challenges, "challenges");
        Objects.requireNonNull(clock, "clock");
    }

    /** A verifier configuration with the given roots, at least one. */
    public AzureVerifierConfig(List<X509Certificate> roots, List<X509Certificate> intermediates,
            Challenges challenges, Clock clock) {
        this(fixed(roots), intermediates, challenges, clock);
    }

    private static Supplier<List<X509Certificate>> fixed(List<X509Certificate> roots) {
        List<X509Certificate> copy = List.copyOf(roots);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("the Azure verifier needs at least one root");
        }
        return () -> copy;
    }

    /** The Azure IMDS roots Vend ships. */
    public static List<X509Certificate> bundledRoots() {
        try (InputStream in = AzureVerifierConfig.class.getClassLoader()
                .getResourceAsStream(BUNDLED_ROOTS)) {
            return readPem(Objects.requireNonNull(in, BUNDLED_ROOTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every certificate in a PEM (or DER) stream. */
    public static List<X509Certificate> readPem(InputStream in) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not X.509 certificates: " + e.getMessage(), e);
        }
    }
}
