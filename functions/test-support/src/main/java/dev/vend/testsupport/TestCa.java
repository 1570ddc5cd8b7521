// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for TLS in tests, made with BouncyCastle: an EC P-256 CA
 * certificate and a server certificate it issued for {@code localhost} (SAN {@code DNS:localhost}
 * and {@code IP:127.0.0.1}, extended key usage {@code serverAuth}), valid from one hour ago for
 * seven days. Keys live only in memory.
 *
 * <p>{@link #shared()} is one instance per JVM; {@link TestOidcIssuer} uses it by default, so one
 * client trusting it reaches every test issuer. {@link #create()} makes an independent CA, for
 * example to show that a client refuses a server whose CA it does not trust.
 *
 * <p>Immutable and thread-safe; every {@code SSLContext} returned is new.
 */
public final class TestCa {

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Duration VALIDITY = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final PrivateKey serverPrivateKey;

    private TestCa(X509Certificate ca, X509Certificate server, PrivateKey serverKey) {
        this.caCertificate = ca;
        this.serverCertificate = server;
        this.serverPrivateKey = serverKey;
    }

    /** The JVM-wide CA, created on first use. */
    public static TestCa shared() {
        return Shared.INSTANCE;
    }

    /** A new, independent CA with its own server certificate. */
    public static TestCa create() {
        try {
            var caKeys = ecKeyPair();
            var caName = new X500Name("CN=Vend Test CA " + serial().toString(16));
            var ca = caCertificate(caName, caKeys);
            var serverKeys = ecKeyPair();
            var server = serverCertificate(caName, caKeys, serverKeys, ca);
            return new TestCa(ca, server, serverKeys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot create the test CA", e);
        }
    }

    /** The self-signed CA certificate. */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** The server certificate for {@code localhost} / {@code 127.0.0.1}, issued by the CA. */
    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** The CA certificate in PEM form, for code under test that takes a PEM trust bundle. */
    public String caCertificatePem() {
        return pem(caCertificate);
    }

    /** Certificates in PEM form, one {@code CERTIFICATE} block each, in the order given. */
    public static String pem(X509Certificate... certificates) {
        var out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                var base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded());
                out.append("-----BEGIN CERTIFICATE-----\n").append(base64)
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode a certificate", e);
            }
        }
        return out.toString();
    }

    /** Writes certificates in PEM form to the file (creating parent folders) and returns it. */
    public static Path writePem(Path file, X509Certificate... certificates) {
        try {
            var parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.writeString(file, pem(certificates));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes {@link #caCertificatePem()} to the file (creating parent folders) and returns it. */
    public Path writeCaCertificatePem(Path file) {
        return writePem(file, caCertificate);
    }

    /** A new in-memory PKCS12 trust store holding only the CA certificate, alias {@code ca}. */
    public KeyStore trustStore() {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", caCertificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the trust store", e);
        }
    }

    /**
     * A new in-memory PKCS12 key store holding the server key under alias {@code server}, with
     * the chain server certificate, CA certificate. Its password is {@code changeit}.
     */
    public KeyStore serverKeyStore() {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            var chain = new Certificate[] {serverCertificate, caCertificate};
            store.setKeyEntry("server", serverPrivateKey, PASSWORD, chain);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the server key store", e);
        }
    }

    /** A new TLS context presenting the server certificate, e.g. for an {@code HttpsServer}. */
    public SSLContext serverSslContext() {
        try {
            var algorithm = KeyManagerFactory.getDefaultAlgorithm();
            var keyManagers = KeyManagerFactory.getInstance(algorithm);
            keyManagers.init(serverKeyStore(), PASSWORD);
            var context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the server TLS context", e);
        }
    }

    /** A new TLS context that trusts only this CA, for clients. */
    public SSLContext clientSslContext() {
        try {
            var algorithm = TrustManagerFactory.getDefaultAlgorithm();
            var trustManagers = TrustManagerFactory.getInstance(algorithm);
            trustManagers.init(trustStore());
            var context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the client TLS context", e);
        }
    }

    /**
     * A new {@link HttpClient} that trusts only this CA, with a 5 s connect timeout and the
     * client's default redirect policy ({@code NEVER}).
     */
    public HttpClient httpClient() {
        return HttpClient.newBuilder()
                .sslContext(clientSslContext())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static X509Certificate caCertificate(X500Name name, KeyPair keys)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        var builder = certificateBuilder(name, name, keys);
        var extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        var usage = new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign);
        builder.addExtension(Extension.keyUsage, true, usage);
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, keys.getPrivate());
    }

    private static X509Certificate serverCertificate(
            X500Name issuer, KeyPair caKeys, KeyPair serverKeys, X509Certificate ca)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        var builder = certificateBuilder(issuer, new X500Name("CN=localhost"), serverKeys);
        var extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        var usage = new KeyUsage(KeyUsage.digitalSignature);
        builder.addExtension(Extension.keyUsage, true, usage);
        var serverAuth = new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
        builder.addExtension(Extension.extendedKeyUsage, false, serverAuth);
        var names = new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        });
        builder.addExtension(Extension.subjectAlternativeName, false, names);
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                extensions.createAuthorityKeyIdentifier(ca));
        return sign(builder, caKeys.getPrivate());
    }

    private static X509v3CertificateBuilder certificateBuilder(
            X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        var notBefore = Instant.now().minus(Duration.ofHours(1));
        var notAfter = notBefore.plus(VALIDITY);
        return new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore),
                Date.from(notAfter), subject, subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        var signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    /** Lazy holder: the shared CA is created on first use, once. */
    private static final class Shared {
        static final TestCa INSTANCE = create();
    }
}
