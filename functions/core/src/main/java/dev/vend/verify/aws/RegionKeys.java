// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * AWS's published per-region instance-identity certificates, shipped as classpath resources
 * (see {@code dev/vend/verify/aws/README.md}, which also says how to add a region), and those a
 * deployment configures ({@link AwsVerifierConfig.RegionCertificates}), which come first. They
 * are pinned keys: only the public key is used, and X.509 validity dates are not enforced, as
 * AWS's own RSA-2048 certificates outlive any validity rule and the re-issued RSA ones share old
 * keys. Thread-safe; each shipped certificate is read once, and a region with none is looked up
 * again each time.
 */
final class RegionKeys {

    /** Which certificate set verifies which form. */
    enum Kind {
        RSA2048("rsa2048", "rsa2048"),
        DSA("dsa", "pkcs7"),
        RSA_SIGNATURE("rsa-signature", "signature");

        private final String folder;
        private final String form;

        Kind(String folder, String form) {
            this.folder = folder;
            this.form = form;
        }
    }

    static final String BASE = "dev/vend/verify/aws/";
    /** A region name, as AWS forms them ({@code us-east-1}, {@code eusc-de-east-1}). */
    static final Pattern REGION = Pattern.compile("[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}");
    /**
     * The shipped keys read so far. Only found keys are kept: the region comes from a document
     * whose signature is not yet checked, so a miss kept here would let any caller grow the map
     * with made-up region names. At most one entry per shipped certificate.
     */
    private static final ConcurrentMap<String, PublicKey> CACHE = new ConcurrentHashMap<>();
    private static final Properties DSA_REGIONS = dsaRegions();

    private RegionKeys() {
    }

    /**
     * The key that verifies documents of this region in this form: the configured certificate's
     * when the deployment names one, else the shipped one's.
     *
     * @throws DenialException {@link DenialReason#UNKNOWN_KEY} for an unknown or ill-formed region
     */
    static PublicKey forRegion(Kind kind, String region,
            AwsVerifierConfig.RegionCertificates configured) {
        if (!REGION.matcher(region).matches()) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "region is not a region name");
        }
        Optional<X509Certificate> own = configured.certificate(kind.form, region);
        if (own.isPresent()) {
            return own.get().getPublicKey();
        }
        String file = kind == Kind.DSA
                ? DSA_REGIONS.getProperty(region, "default.pem") : region + ".pem";
        String resource = BASE + kind.folder + "/" + file;
        PublicKey cached = CACHE.get(resource);
        if (cached != null) {
            return cached;
        }
        PublicKey key = load(resource).orElseThrow(() ->
                new DenialException(DenialReason.UNKNOWN_KEY, "no AWS certificate for region"));
        CACHE.putIfAbsent(resource, key);
        return key;
    }

    /** How many shipped keys are kept (tests). */
    static int cachedKeys() {
        return CACHE.size();
    }

    private static Optional<PublicKey> load(String resource) {
        try (InputStream in = RegionKeys.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            var certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return Optional.of(certificate.getPublicKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException("shipped certificate " + resource + " is broken", e);
        }
    }

    private static Properties dsaRegions() {
        var properties = new Properties();
        try (InputStream in = RegionKeys.class.getClassLoader()
                .getResourceAsStream(BASE + "dsa/regions.properties")) {
            if (in != null) {
                properties.load(in);
            }
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
