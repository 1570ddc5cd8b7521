// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorResult;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The least trusting a signer certificate must cost: one PKIX validation (RFC 5280) of a path
 * already known, signer first, to one trust anchor at a fixed instant, revocation off, with the
 * JDK's {@code CertPathValidator}. The verifier instead builds the path from its configured
 * intermediates with a {@code CertPathBuilder}; finding the path is the part the floor leaves out.
 * Not thread-safe: one instance per benchmark thread.
 */
public final class PkixFloor {

    private final CertPathValidator validator;
    private final CertPath path;
    private final PKIXParameters parameters;

    /**
     * @param path the certificates from the signer up to, not including, the root
     * @param root the trust anchor
     * @param at the validation instant
     */
    public PkixFloor(List<X509Certificate> path, X509Certificate root, Instant at) {
        try {
            this.validator = CertPathValidator.getInstance("PKIX");
            this.path = CertificateFactory.getInstance("X.509").generateCertPath(path);
            this.parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX floor setup failed: " + e.getMessage(), e);
        }
    }

    /**
     * Validates the path.
     *
     * @throws GeneralSecurityException if it does not validate
     */
    public CertPathValidatorResult validate() throws GeneralSecurityException {
        return validator.validate(path, parameters);
    }
}
