// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TestKeysTest {

    @Test
    void rsa2048WhenCalledThenPrivateSigningKeyWithThumbprintKid() throws Exception {
        var key = TestKeys.rsa2048();

        assertThat(key.isPrivate()).isTrue();
        assertThat(key.size()).isEqualTo(2048);
        assertThat(key.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
        assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        var members = "{\"e\":\"" + key.getPublicExponent() + "\",\"kty\":\"RSA\",\"n\":\""
                + key.getModulus() + "\"}";
        assertThat(key.getKeyID()).isEqualTo(rfc7638Thumbprint(members));
    }

    @Test
    void ecP256WhenCalledThenPrivateSigningKeyWithThumbprintKid() throws Exception {
        var key = TestKeys.ecP256();

        assertThat(key.isPrivate()).isTrue();
        assertThat(key.getCurve()).isEqualTo(Curve.P_256);
        assertThat(key.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
        assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        var members = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + key.getX()
                + "\",\"y\":\"" + key.getY() + "\"}";
        assertThat(key.getKeyID()).isEqualTo(rfc7638Thumbprint(members));
    }

    @Test
    void cachedKeysWhenCalledTwiceThenSameInstance() {
        assertThat(TestKeys.rsa2048()).isSameAs(TestKeys.rsa2048());
        assertThat(TestKeys.ecP256()).isSameAs(TestKeys.ecP256(0));
    }

    @Test
    void cachedKeysWhenOtherIndexThenOtherKey() {
        assertThat(TestKeys.ecP256(1).getKeyID()).isNotEqualTo(TestKeys.ecP256(0).getKeyID());
        assertThat(TestKeys.ecP256(1)).isSameAs(TestKeys.ecP256(1));
        assertThatThrownBy(() -> TestKeys.rsa2048(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void freshKeysWhenCalledThenNewKeyEachTime() {
        var first = TestKeys.freshEcP256();
        var second = TestKeys.freshEcP256();

        assertThat(first.getKeyID()).isNotEqualTo(second.getKeyID());
        assertThat(TestKeys.freshRsa2048().getKeyID()).isNotEqualTo(TestKeys.rsa2048().getKeyID());
    }

    @Test
    void freshRsaWhenWeakSizeThenGenerated() {
        assertThat(TestKeys.freshRsa(1024).size()).isEqualTo(1024);
    }

    @Test
    void freshEcWhenP384ThenEs384() {
        var key = TestKeys.freshEc(Curve.P_384);

        assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(key.getCurve()).isEqualTo(Curve.P_384);
    }

    /** RFC 7638 §3: SHA-256 over the required members, sorted, no whitespace; base64url. */
    private static String rfc7638Thumbprint(String requiredMembersJson) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256")
                .digest(requiredMembersJson.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }
}
