// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.vend.testsupport.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalSigningKeysTest {

    @TempDir
    Path state;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RS256", "ES256"})
    void loadOrCreateWhenNoKeyThenCreatesAnOwnerOnlyFile(String algorithm) throws IOException {
        assumeTrue(state.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path folder = state.resolve("vend-state");

        SigningKey key = LocalSigningKeys.loadOrCreate(folder, JWSAlgorithm.parse(algorithm));

        Path file = folder.resolve(LocalSigningKeys.FILE_NAME);
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(key.algorithm().getName()).isEqualTo(algorithm);
        assertThat(key.reference()).isEqualTo("file:" + file.toAbsolutePath());
        assertThat(key.publicJwk().isPrivate()).isFalse();
    }

    @Test
    void loadOrCreateWhenKeyFileExistsThenReusesIt() throws Exception {
        SigningKey first = LocalSigningKeys.loadOrCreate(state, JWSAlgorithm.ES256);
        String stored = Files.readString(state.resolve(LocalSigningKeys.FILE_NAME));

        SigningKey second = LocalSigningKeys.loadOrCreate(state, JWSAlgorithm.RS256);

        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(second.algorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(Files.readString(state.resolve(LocalSigningKeys.FILE_NAME))).isEqualTo(stored);
        assertThat(JWK.parse(stored).isPrivate()).isTrue();
    }

    @Test
    void loadOrCreateWhenCreatedThenKidIsTheThumbprint() throws Exception {
        SigningKey key = LocalSigningKeys.loadOrCreate(state, JWSAlgorithm.RS256);

        assertThat(key.keyId()).isEqualTo(key.publicJwk().computeThumbprint().toString());
        assertThat(key.keyId()).isEqualTo(
                IssueFixtures.thumbprint(IssueFixtures.json(key.publicJwk().toJSONString())));
    }

    @Test
    void loadOrCreateWhenFileIsNotAJwkThenFailsWithIoException() throws IOException {
        Files.writeString(state.resolve(LocalSigningKeys.FILE_NAME), "not a key");

        assertThatThrownBy(() -> LocalSigningKeys.loadOrCreate(state, JWSAlgorithm.ES256))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a JWK");
    }

    @Test
    void generateWhenAlgorithmIsNotLocalThenRefuses() {
        assertThatThrownBy(() -> LocalSigningKeys.generate(JWSAlgorithm.HS256))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromJwkWhenPublicOnlyThenRefuses() {
        JWK publicOnly = TestKeys.ecP256().toPublicJWK();

        assertThatThrownBy(() -> LocalSigningKeys.fromJwk(publicOnly, "file:/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
