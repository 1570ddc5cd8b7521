// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import dev.vend.parse.RedactedUrl;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.aws.AwsVerifierConfig;
import dev.vend.verify.azure.AzureVerifierConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the cloud verifiers trust, read from the deployment settings and checked before Vend
 * starts: every problem of every setting is reported at once, and a deployment with any of them
 * does not start.
 *
 * @param azureRoots the Azure IMDS trust anchors: {@code vend.azure-roots-file}, read and checked
 *     here, else the bundled ones, read on their first use
 * @param azureIntermediates {@code vend.azure-intermediates-file}, else none
 * @param stsEndpoint {@code vend.aws-sts-endpoint}, else none
 * @param regionCertificates {@code vend.aws-region-certificates-file}, else none
 * @param legacyForms {@code vend.aws-legacy-document-forms}, else none
 */
record CloudTrust(Supplier<List<X509Certificate>> azureRoots,
        List<X509Certificate> azureIntermediates,
        AwsVerifierConfig.@Nullable StsEndpoint stsEndpoint,
        AwsVerifierConfig.RegionCertificates regionCertificates,
        Set<AwsVerifierConfig.LegacyForm> legacyForms) {

    static final String AZURE_ROOTS = "vend.azure-roots-file";
    static final String AZURE_INTERMEDIATES = "vend.azure-intermediates-file";
    static final String STS_ENDPOINT = "vend.aws-sts-endpoint";
    static final String REGION_CERTIFICATES = "vend.aws-region-certificates-file";
    static final String LEGACY_FORMS = "vend.aws-legacy-document-forms";

    /**
     * Reads and checks the cloud settings.
     *
     * @throws InvalidConfigurationException listing every problem found
     */
    static CloudTrust read(VendSettings settings) {
        var problems = new ArrayList<String>();
        CloudTrust trust = read(settings, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return trust;
    }

    /**
     * Reads and checks the cloud settings, adding every problem found to {@code problems}; a
     * setting with a problem reads as its default, so the result is usable only without any.
     */
    static CloudTrust read(VendSettings settings, List<String> problems) {
        return new CloudTrust(
                azureRoots(settings.azureRootsFile(), problems),
                azureIntermediates(settings.azureIntermediatesFile(), problems),
                stsEndpoint(settings.awsStsEndpoint(), problems),
                regionCertificates(settings.awsRegionCertificatesFile(), problems),
                legacyForms(settings.awsLegacyDocumentForms(), problems));
    }

    private static Supplier<List<X509Certificate>> azureRoots(@Nullable String file,
            List<String> problems) {
        if (isBlank(file)) {
            return AzureVerifierConfig.BUNDLED;
        }
        List<X509Certificate> roots = pem(AZURE_ROOTS, Path.of(file), problems);
        for (X509Certificate root : roots) {
            // A v1 certificate has no basic constraints; a v3 one must say it is a CA.
            if (root.getVersion() == 3 && root.getBasicConstraints() < 0) {
                problems.add(AZURE_ROOTS + " " + file + ": " + root.getSubjectX500Principal()
                        + " is not a CA certificate");
            }
        }
        return roots.isEmpty() ? AzureVerifierConfig.BUNDLED : () -> roots;
    }

    private static List<X509Certificate> azureIntermediates(@Nullable String file,
            List<String> problems) {
        return isBlank(file) ? List.of() : pem(AZURE_INTERMEDIATES, Path.of(file), problems);
    }

    /** Every certificate of a PEM file; a problem when there is none or it can not be read. */
    private static List<X509Certificate> pem(String setting, Path file, List<String> problems) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = AzureVerifierConfig.readPem(in);
            if (certificates.isEmpty()) {
                problems.add(setting + " " + file + " holds no certificate");
            }
            return certificates;
        } catch (IOException | RuntimeException e) {
            problems.add(setting + " " + file + " can not be read as PEM certificates");
            return List.of();
        }
    }

    private static AwsVerifierConfig.@Nullable StsEndpoint stsEndpoint(@Nullable String url,
            List<String> problems) {
        if (isBlank(url)) {
            return null;
        }
        try {
            return AwsVerifierConfig.StsEndpoint.parse(url);
        } catch (IllegalArgumentException e) {
            // Never the URL itself: it may carry credentials (user info, a token in its query).
            problems.add(RedactedUrl.describe(STS_ENDPOINT, url) + ": " + e.getMessage());
            return null;
        }
    }

    private static AwsVerifierConfig.RegionCertificates regionCertificates(@Nullable String file,
            List<String> problems) {
        if (isBlank(file)) {
            return AwsVerifierConfig.RegionCertificates.none();
        }
        try {
            return AwsVerifierConfig.RegionCertificates.load(Path.of(file));
        } catch (InvalidConfigurationException e) {
            e.problems().forEach(problem -> problems.add(REGION_CERTIFICATES + " " + problem));
            return AwsVerifierConfig.RegionCertificates.none();
        }
    }

    private static Set<AwsVerifierConfig.LegacyForm> legacyForms(@Nullable String listed,
            List<String> problems) {
        if (isBlank(listed)) {
            return Set.of();
        }
        var forms = new HashSet<AwsVerifierConfig.LegacyForm>();
        for (String name : listed.split(",")) {
            switch (name.trim()) {
                case "pkcs7" -> forms.add(AwsVerifierConfig.LegacyForm.DSA_PKCS7);
                case "signature" -> forms.add(AwsVerifierConfig.LegacyForm.RSA_SIGNATURE);
                default -> problems.add(LEGACY_FORMS + ": '" + name.trim()
                        + "' is not pkcs7 or signature");
            }
        }
        return Set.copyOf(forms);
    }

    private static boolean isBlank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
