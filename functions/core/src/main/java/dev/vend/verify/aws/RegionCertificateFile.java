// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.parse.YamlDocuments;
import dev.vend.verify.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a deployment's region certificates file, checking everything before Vend starts:
 *
 * <pre>{@code
 * rsa2048:                        # the bundle's form names: rsa2048, pkcs7, signature
 *   eu-south-3: eu-south-3.pem    # region: a PEM file with exactly one certificate,
 *   us-east-1: /etc/vend/use1.pem #   relative to this file's folder
 * }</pre>
 *
 * <p>Each certificate's key must suit its form: RSA of at least 2048 bits for {@code rsa2048},
 * DSA of at least 1024 bits for {@code pkcs7}, RSA of at least 1024 bits for {@code signature}
 * (AWS's own keys of those forms have 1024 bits). Every problem of the file is reported at once.
 */
final class RegionCertificateFile {

    private static final Map<String, String> FORMS = Map.of(
            "rsa2048", "an RSA key of at least 2048 bits",
            "pkcs7", "a DSA key of at least 1024 bits",
            "signature", "an RSA key of at least 1024 bits");

    private final Path file;
    private final List<String> problems = new ArrayList<>();

    private RegionCertificateFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    static AwsVerifierConfig.RegionCertificates load(Path file) {
        return new RegionCertificateFile(file).read();
    }

    private AwsVerifierConfig.RegionCertificates read() {
        var byForm = new LinkedHashMap<String, Map<String, X509Certificate>>();
        mapping().forEach((form, regions) -> {
            if (!FORMS.containsKey(form)) {
                problems.add(file + ": '" + form + "' is not a form (rsa2048, pkcs7, signature)");
            } else if (!(regions instanceof Map<?, ?> map) || map.isEmpty()) {
                problems.add(file + ": " + form + " must map region names to PEM files");
            } else {
                byForm.put(form, certificates(form, map));
            }
        });
        if (problems.isEmpty() && byForm.isEmpty()) {
            problems.add(file + ": names no certificate");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new AwsVerifierConfig.RegionCertificates(byForm);
    }

    private Map<String, Object> mapping() {
        try {
            return YamlDocuments.readMapping(file);
        } catch (YamlDocuments.DocumentException e) {
            throw new InvalidConfigurationException(List.of(e.getMessage()));
        }
    }

    private Map<String, X509Certificate> certificates(String form, Map<?, ?> regions) {
        var out = new LinkedHashMap<String, X509Certificate>();
        regions.forEach((region, pem) -> {
            String where = file + ": " + form + " " + region;
            if (!RegionKeys.REGION.matcher(String.valueOf(region)).matches()) {
                problems.add(where + ": not a region name");
            } else if (!(pem instanceof String path) || path.isBlank()) {
                problems.add(where + ": the value must be the path of a PEM file");
            } else {
                X509Certificate certificate = certificate(where, path);
                if (certificate != null && fits(where, form, certificate.getPublicKey())) {
                    out.put(String.valueOf(region), certificate);
                }
            }
        });
        return out;
    }

    private @Nullable X509Certificate certificate(String where, String path) {
        Path pem = file.getParent().resolve(path);
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> all =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (all.size() != 1) {
                problems.add(where + ": " + pem + " must hold exactly one certificate, found "
                        + all.size());
                return null;
            }
            return (X509Certificate) all.iterator().next();
        } catch (IOException e) {
            problems.add(where + ": " + pem + " can not be read");
        } catch (CertificateException e) {
            problems.add(where + ": " + pem + " is not a PEM certificate");
        }
        return null;
    }

    private boolean fits(String where, String form, PublicKey key) {
        boolean fits = switch (form) {
            case "rsa2048" -> rsaBits(key) >= 2048;
            case "signature" -> rsaBits(key) >= 1024;
            default -> dsaBits(key) >= 1024;
        };
        if (!fits) {
            problems.add(where + ": the certificate must carry " + FORMS.get(form));
        }
        return fits;
    }

    /** The modulus size of an RSA key; 0 for any other key. */
    private static int rsaBits(PublicKey key) {
        return key instanceof RSAPublicKey rsa ? rsa.getModulus().bitLength() : 0;
    }

    /** The size of a DSA key's prime p; 0 for any other key, or one without its parameters. */
    private static int dsaBits(PublicKey key) {
        return key instanceof DSAPublicKey dsa && dsa.getParams() != null
                ? dsa.getParams().getP().bitLength() : 0;
    }
}
