// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.metrics.Metric;
import dev.vend.metrics.Metrics;
import dev.vend.verify.VendingFailure;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * A Nimbus {@link JWSSigner} whose private key never leaves AWS KMS: RS256 with an
 * {@code RSA_2048} key ({@code RSASSA_PKCS1_V1_5_SHA_256}) and ES256 with an
 * {@code ECC_NIST_P256} key ({@code ECDSA_SHA_256}).
 *
 * <p>One KMS {@code Sign} call per token: Vend hashes the JWS signing input (RFC 7515 §5.1)
 * with SHA-256 and sends the digest ({@code MessageType: DIGEST}), so the token's claims never
 * reach KMS and the request stays small. KMS returns ECDSA signatures in ASN.1 DER; JWS wants the
 * fixed 64-byte {@code R || S} form (RFC 7518 §3.4), so they are transcoded, left-padding short
 * {@code r}/{@code s} and dropping DER's sign byte from high-bit ones.
 *
 * <p>Failures: an SDK error becomes a {@link VendingFailure} (transient for throttling and
 * timeouts, permanent for a disabled, missing or inaccessible key; see {@code KmsFailures})
 * carried as the cause of the {@link JOSEException} this signer throws; no AWS message is kept.
 * A signature of the wrong length is a permanent failure: no partial token is ever made.
 *
 * <p>Each {@code Sign} call's duration, failed or not, is recorded as
 * {@link Metric#KMS_LATENCY} into the request's {@link Metrics}.
 *
 * <p>Immutable and thread-safe (the SDK client is).
 */
public final class KmsJwsSigner implements JWSSigner {

    /** RS256 signatures with an RSA_2048 key are 256 bytes. */
    private static final int RSA_2048_SIGNATURE_BYTES = 256;
    /** ES256 signatures are 64 bytes in JOSE form (RFC 7518 §3.4). */
    private static final int ES256_SIGNATURE_BYTES = 64;

    private final KmsClient kms;
    private final String keyArn;
    private final JWSAlgorithm algorithm;
    private final Metrics metrics;
    private final JCAContext jcaContext = new JCAContext();

    /**
     * @param kms the client; shared, not closed by this signer
     * @param keyArn the key ARN (never an alias)
     * @param algorithm {@link JWSAlgorithm#RS256} or {@link JWSAlgorithm#ES256}
     */
    public KmsJwsSigner(KmsClient kms, String keyArn, JWSAlgorithm algorithm) {
        this(kms, keyArn, algorithm, Metrics.none());
    }

    /**
     * @param kms the client; shared, not closed by this signer
     * @param keyArn the key ARN (never an alias)
     * @param algorithm {@link JWSAlgorithm#RS256} or {@link JWSAlgorithm#ES256}
     * @param metrics where each {@code Sign} call's duration is recorded
     */
    public KmsJwsSigner(KmsClient kms, String keyArn, JWSAlgorithm algorithm, Metrics metrics) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keyArn = Objects.requireNonNull(keyArn, "keyArn");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        kmsAlgorithm(algorithm);
    }

    /** The KMS signing algorithm for a JWS algorithm. */
    static SigningAlgorithmSpec kmsAlgorithm(JWSAlgorithm algorithm) {
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            return SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256;
        }
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return SigningAlgorithmSpec.ECDSA_SHA_256;
        }
        throw new IllegalArgumentException("KMS signing supports RS256 and ES256, not "
                + algorithm);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!algorithm.equals(header.getAlgorithm())) {
            throw new JOSEException("this signer makes " + algorithm + " signatures only");
        }
        byte[] signature = signDigest(sha256(signingInput));
        return Base64URL.encode(toJose(signature));
    }

    private byte[] signDigest(byte[] digest) throws JOSEException {
        var request = SignRequest.builder()
                .keyId(keyArn)
                .message(SdkBytes.fromByteArray(digest))
                .messageType(MessageType.DIGEST)
                .signingAlgorithm(kmsAlgorithm(algorithm))
                .build();
        try {
            return metrics.time(Metric.KMS_LATENCY, () -> kms.sign(request)).signature()
                    .asByteArray();
        } catch (SdkException e) {
            VendingFailure failure = KmsFailures.failure("Sign", e);
            throw new JOSEException(failure.getMessage(), failure);
        }
    }

    private byte[] toJose(byte[] kmsSignature) throws JOSEException {
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return derToJose(kmsSignature);
        }
        if (kmsSignature.length != RSA_2048_SIGNATURE_BYTES) {
            VendingFailure failure = VendingFailure.permanent("KMS Sign returned a "
                    + kmsSignature.length + "-byte RS256 signature", null);
            throw new JOSEException(failure.getMessage(), failure);
        }
        return kmsSignature;
    }

    /**
     * An ECDSA P-256 signature in ASN.1 DER (as KMS returns it) in the 64-byte JOSE form.
     *
     * @throws JOSEException carrying a permanent {@link VendingFailure} if it is not a P-256
     *     DER signature
     */
    static byte[] derToJose(byte[] der) throws JOSEException {
        byte[] jose;
        try {
            jose = ECDSA.transcodeSignatureToConcat(der, ES256_SIGNATURE_BYTES);
        } catch (JOSEException | RuntimeException e) {
            VendingFailure failure = VendingFailure.permanent(
                    "KMS Sign returned a malformed ECDSA signature", null);
            throw new JOSEException(failure.getMessage(), failure);
        }
        if (jose.length != ES256_SIGNATURE_BYTES) {
            VendingFailure failure = VendingFailure.permanent("KMS Sign returned an ECDSA "
                    + "signature that is not 64 bytes in JOSE form", null);
            throw new JOSEException(failure.getMessage(), failure);
        }
        return jose;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    /** The key ARN it signs with. */
    public String keyArn() {
        return keyArn;
    }
}
