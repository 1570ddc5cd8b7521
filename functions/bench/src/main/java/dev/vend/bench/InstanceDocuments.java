// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vend.testsupport.RealDocs;
import dev.vend.testsupport.TestIamProofs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Objects;

/**
 * The EC2 instance identity document of the benchmarks, in the three forms AWS serves it. It is a
 * genuine document read from realdocs ({@value #FOLDER}: one instance, 2018, signed by AWS in
 * all three forms), not one signed at setup: the verifier trusts only the AWS certificates Vend
 * ships, and no test key can sign for those. Read at setup and never copied into the project;
 * without realdocs the EC2 benchmarks can not run. Stateless and thread-safe.
 */
final class InstanceDocuments {

    static final String FOLDER = "aws-iid/iid-06-us-east-2-2018-all3/";
    /** The document's account. */
    static final String ACCOUNT = "437526006925";
    /** The document's instance id. */
    static final String INSTANCE = "i-075f088c72ad3271c";

    private static final String KEYS = "dev/vend/verify/aws/";

    private InstanceDocuments() {
    }

    /**
     * One form: the realdocs file AWS served for it, the certificate Vend ships for it in
     * us-east-2 (DSA: the one certificate most regions share), and its JCA signature algorithm.
     */
    enum Form {
        RSA2048("rsa2048", "rsa2048.b64", "rsa2048/us-east-2.pem", "SHA256withRSA"),
        PKCS7("pkcs7", "pkcs7.b64", "dsa/default.pem", "SHA1withDSA"),
        SIGNATURE("signature", "signature.b64", "rsa-signature/us-east-2.pem", "SHA256withRSA");

        final String wireName;
        private final String file;
        private final String certificate;
        private final String algorithm;

        Form(String wireName, String file, String certificate, String algorithm) {
            this.wireName = wireName;
            this.file = file;
            this.certificate = certificate;
            this.algorithm = algorithm;
        }

        static Form of(String wireName) {
            for (Form form : values()) {
                if (form.wireName.equals(wireName)) {
                    return form;
                }
            }
            throw new IllegalArgumentException("rsa2048, pkcs7 or signature, not " + wireName);
        }
    }

    /**
     * The bundle's {@code instance_document} member as a workload sends it: form and signature,
     * and the document itself only for {@code signature}, which does not carry it.
     */
    static ObjectNode member(Form form) {
        ObjectNode member = TestIamProofs.JSON.createObjectNode();
        member.put("form", form.wireName);
        member.put("signature", RealDocs.read(FOLDER + form.file));
        if (form == Form.SIGNATURE) {
            member.put("document", RealDocs.read(FOLDER + "document.json"));
        }
        return member;
    }

    /** The floor of one form: one signature check of the same bytes with the same key. */
    static SignatureFloor floor(Form form) {
        byte[] signature = Base64.getMimeDecoder().decode(
                RealDocs.read(FOLDER + form.file).strip());
        PublicKey key = shippedKey(form);
        if (form == Form.SIGNATURE) {
            byte[] document = RealDocs.read(FOLDER + "document.json")
                    .getBytes(StandardCharsets.UTF_8);
            return SignatureFloor.raw(document, signature, key, form.algorithm);
        }
        return SignatureFloor.pkcs7(signature, key, form.algorithm);
    }

    private static PublicKey shippedKey(Form form) {
        String resource = KEYS + form.certificate;
        try (InputStream in = InstanceDocuments.class.getClassLoader()
                .getResourceAsStream(resource)) {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(Objects.requireNonNull(in, resource)).getPublicKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException("shipped certificate " + resource + " is broken", e);
        }
    }
}
