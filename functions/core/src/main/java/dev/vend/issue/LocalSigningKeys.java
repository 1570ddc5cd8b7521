// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Set;

/**
 * Signing keys held in a local file, for the local server and tests: created on first use in the
 * state folder, readable by its owner only. In Lambda, keys live in KMS instead and never leave it.
 */
public final class LocalSigningKeys {

    /** The file name of the local key inside the state folder. */
    public static final String FILE_NAME = "signing-key.jwk.json";

    private static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    private LocalSigningKeys() {
    }

    /**
     * Reads the key in the state folder, creating one with the algorithm if there is none.
     *
     * @param stateDir the local state folder
     * @param algorithm RS256 or ES256, used only when a key is created
     */
    public static SigningKey loadOrCreate(Path stateDir, JWSAlgorithm algorithm) throws IOException {
        Path file = stateDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            Files.createDirectories(stateDir);
            write(file, generate(algorithm));
        }
        try {
            return fromJwk(JWK.parse(Files.readString(file, StandardCharsets.UTF_8)),
                    "file:" + file.toAbsolutePath());
        } catch (ParseException e) {
            throw new IOException(file + " is not a JWK: " + e.getMessage(), e);
        }
    }

    /** An active signing key from a private JWK held in memory (priming, tests). */
    public static SigningKey fromJwk(JWK privateJwk, String reference) {
        try {
            JWK withId = withThumbprintId(privateJwk);
            JWSSigner signer = withId instanceof RSAKey rsa ? new RSASSASigner(rsa)
                    : new ECDSASigner((ECKey) withId);
            return new SigningKey(reference, KeyState.ACTIVE, null, withId.toPublicJWK(), signer);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable signing key: " + e.getMessage(), e);
        }
    }

    /** A fresh private key for the algorithm, with its thumbprint as {@code kid}. */
    public static JWK generate(JWSAlgorithm algorithm) {
        try {
            JWK key;
            if (JWSAlgorithm.RS256.equals(algorithm)) {
                key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256).generate();
            } else if (JWSAlgorithm.ES256.equals(algorithm)) {
                key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.ES256).generate();
            } else {
                throw new IllegalArgumentException("local keys are RS256 or ES256");
            }
            return withThumbprintId(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("key generation failed", e);
        }
    }

    private static JWK withThumbprintId(JWK key) throws JOSEException {
        String kid = key.computeThumbprint().toString();
        if (key instanceof RSAKey rsa) {
            return new RSAKey.Builder(rsa).keyID(kid).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).build();
        }
        return new ECKey.Builder((ECKey) key).keyID(kid).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).build();
    }

    /**
     * Writes the private key to a new file that is owner-only from the moment it exists: the
     * permissions are given to the create call, so no other user ever sees a readable file, even
     * for an instant.
     */
    private static void write(Path file, JWK key) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            // Not a POSIX file system; the file keeps the folder's default permissions.
            Files.createFile(file);
        }
        Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
