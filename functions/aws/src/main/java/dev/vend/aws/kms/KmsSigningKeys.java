// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vend.issue.SigningKey;
import dev.vend.issue.SigningKeyConfig;
import dev.vend.metrics.Metrics;
import dev.vend.verify.FailureKind;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.VendingFailure;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Loads the configured KMS signing keys: one {@code GetPublicKey} per key, at initialisation
 * (before a SnapStart snapshot; the public key of a key ARN never changes, so it is kept for the
 * life of the execution environment, field case BUG-26), never per request.
 *
 * <p>Each key must be {@code SIGN_VERIFY} with key spec {@code RSA_2048} (RS256) or
 * {@code ECC_NIST_P256} (ES256), and KMS must answer for the very ARN configured. The published
 * JWK carries {@code kid} = RFC 7638 SHA-256 thumbprint, {@code alg} and {@code use: sig}, so the
 * JWKS and the token headers derive the id from the same public key (field case BUG-17).
 *
 * <p>Stateless and thread-safe.
 */
public final class KmsSigningKeys {

    private KmsSigningKeys() {
    }

    /**
     * Fetches every configured key's public key and builds its signer.
     *
     * @param configs the configured keys, by ARN
     * @param kms the client the signers will use
     * @return one signing key per config, in order
     * @throws InvalidConfigurationException listing every key that is unusable: wrong spec or
     *     usage, a different key than configured, or a permanent KMS error (access denied, not
     *     found, disabled), by error code only
     * @throws VendingFailure (transient) if KMS was throttled or unreachable; initialisation
     *     should fail and be retried
     */
    public static List<SigningKey> load(List<SigningKeyConfig> configs, KmsClient kms) {
        return load(configs, kms, Metrics.none());
    }

    /**
     * Fetches every configured key's public key and builds its signer, which records each
     * {@code Sign} call's duration into {@code metrics}. The {@code GetPublicKey} calls made here,
     * at initialisation, are not recorded.
     *
     * @param configs the configured keys, by ARN
     * @param kms the client the signers will use
     * @param metrics where the signers record their calls
     * @return one signing key per config, in order
     * @throws InvalidConfigurationException as {@link #load(List, KmsClient)}
     * @throws VendingFailure (transient) if KMS was throttled or unreachable
     */
    public static List<SigningKey> load(List<SigningKeyConfig> configs, KmsClient kms,
            Metrics metrics) {
        var problems = new ArrayList<String>();
        var keys = new ArrayList<SigningKey>();
        for (SigningKeyConfig config : configs) {
            try {
                keys.add(load(config, kms, metrics));
            } catch (KeyProblem problem) {
                problems.add("signing key " + config.arn() + ": " + problem.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return keys;
    }

    private static SigningKey load(SigningKeyConfig config, KmsClient kms, Metrics metrics)
            throws KeyProblem {
        GetPublicKeyResponse response;
        try {
            response = kms.getPublicKey(GetPublicKeyRequest.builder().keyId(config.arn()).build());
        } catch (SdkException e) {
            VendingFailure failure = KmsFailures.failure("GetPublicKey", e);
            if (failure.kind() == FailureKind.TRANSIENT) {
                throw failure;
            }
            throw new KeyProblem(failure.getMessage());
        }
        if (!config.arn().equals(response.keyId())) {
            throw new KeyProblem("KMS answered for another key");
        }
        if (response.keyUsage() != KeyUsageType.SIGN_VERIFY) {
            throw new KeyProblem("key usage must be SIGN_VERIFY");
        }
        JWSAlgorithm algorithm = algorithmOf(response.keySpec());
        JWK jwk = publicJwk(response, algorithm);
        return SigningKey.of(config, jwk, new KmsJwsSigner(kms, config.arn(), algorithm,
                metrics));
    }

    private static JWSAlgorithm algorithmOf(KeySpec spec) throws KeyProblem {
        if (spec == KeySpec.RSA_2048) {
            return JWSAlgorithm.RS256;
        }
        if (spec == KeySpec.ECC_NIST_P256) {
            return JWSAlgorithm.ES256;
        }
        throw new KeyProblem("key spec must be RSA_2048 (RS256) or ECC_NIST_P256 (ES256), not "
                + spec);
    }

    /** The public key (X.509 SubjectPublicKeyInfo DER) as a JWK with its thumbprint as kid. */
    private static JWK publicJwk(GetPublicKeyResponse response, JWSAlgorithm algorithm)
            throws KeyProblem {
        byte[] spki = response.publicKey().asByteArray();
        try {
            JWK key;
            if (JWSAlgorithm.RS256.equals(algorithm)) {
                var rsa = (RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(spki));
                key = new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
                        .keyIDFromThumbprint().build();
            } else {
                var ec = (ECPublicKey) KeyFactory.getInstance("EC")
                        .generatePublic(new X509EncodedKeySpec(spki));
                key = new ECKey.Builder(Curve.P_256, ec).keyUse(KeyUse.SIGNATURE)
                        .algorithm(algorithm).keyIDFromThumbprint().build();
            }
            return key;
        } catch (GeneralSecurityException | JOSEException | ClassCastException e) {
            throw new KeyProblem("the public key is not a " + algorithm + " key");
        }
    }

    /** One configured key is unusable; the message is safe to log. */
    private static final class KeyProblem extends Exception {

        private static final long serialVersionUID = 1L;

        KeyProblem(String message) {
            super(message, null, false, false);
        }
    }
}
