// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStoreException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestCaTest {

    @Test
    void serverCertificateWhenIssuedThenSignedByCaWithLocalhostNames() throws Exception {
        var ca = TestCa.shared();
        var server = ca.serverCertificate();

        server.verify(ca.caCertificate().getPublicKey());
        server.checkValidity();
        assertThat(server.getSubjectAlternativeNames())
                .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void caCertificateWhenCreatedThenSelfSignedCa() throws Exception {
        var ca = TestCa.create().caCertificate();

        ca.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    }

    @Test
    void trustStoreWhenBuiltThenHoldsOnlyTheCa() throws KeyStoreException {
        var ca = TestCa.shared();

        var store = ca.trustStore();

        assertThat(Collections.list(store.aliases())).containsExactly("ca");
        assertThat(store.getCertificate("ca")).isEqualTo(ca.caCertificate());
    }

    @Test
    void caCertificatePemWhenParsedThenSameCertificate() throws Exception {
        var ca = TestCa.shared();
        var pem = ca.caCertificatePem().getBytes(StandardCharsets.US_ASCII);

        var parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));

        assertThat(parsed).isEqualTo(ca.caCertificate());
    }

    @Test
    void createWhenCalledTwiceThenIndependentCas() {
        assertThat(TestCa.create().caCertificate()).isNotEqualTo(TestCa.create().caCertificate());
    }
}
