// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.azure;

import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Trust in the signer certificate: a PKIX path (RFC 5280) from it through the configured
 * intermediates to one of the roots, valid at the verification instant, and a DNS subject
 * alternative name under one of Azure's IMDS domains. Revocation is not checked (no network
 * calls during verification); the short life of Azure's signer certificates bounds the exposure.
 */
final class SignerChain {

    /** The IMDS signer names of Azure public cloud, US Government and China. */
    static final List<String> IMDS_DOMAINS =
            List.of("metadata.azure.com", "metadata.azure.us", "metadata.azure.cn");

    private static final int DNS_NAME = 2;

    private SignerChain() {
    }

    static void check(X509Certificate signer, AzureVerifierConfig config, Instant at) {
        checkName(signer);
        Set<TrustAnchor> anchors = config.roots().get().stream()
                .map(root -> new TrustAnchor(root, null)).collect(Collectors.toSet());
        try {
            var target = new X509CertSelector();
            target.setCertificate(signer);
            var params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            var certificates = new ArrayList<X509Certificate>(config.intermediates());
            certificates.add(signer);
            params.addCertStore(CertStore.getInstance("Collection",
                    new CollectionCertStoreParameters(certificates)));
            CertPathBuilder.getInstance("PKIX").build(params);
        } catch (GeneralSecurityException e) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER,
                    "signer certificate does not chain to a trusted root at this time");
        }
    }

    private static void checkName(X509Certificate signer) {
        if (dnsNames(signer).stream().noneMatch(SignerChain::isImdsName)) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER,
                    "signer certificate is not an Azure IMDS certificate");
        }
    }

    static boolean isImdsName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return IMDS_DOMAINS.stream()
                .anyMatch(domain -> lower.equals(domain) || lower.endsWith("." + domain));
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream()
                    .filter(name -> name.size() == 2
                            && Integer.valueOf(DNS_NAME).equals(name.get(0)))
                    .map(name -> String.valueOf(name.get(1))).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
