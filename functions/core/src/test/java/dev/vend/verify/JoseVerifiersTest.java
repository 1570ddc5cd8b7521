// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.testsupport.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.Provider;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JoseVerifiersTest {

    @ParameterizedTest(name = "Java {0}")
    @ValueSource(strings = {"15.0.2", "16.0.1", "17", "17.0.1", "17.0.2+8", "18", "18.0.0.1"})
    void requirePatchedRuntimeWhenJdkHasPsychicSignatureFlawThenRefusesToStart(String version) {
        // BUG-10: the JDK's ECDSA accepted r = s = 0 on these (CVE-2022-21449).
        Runtime.Version parsed = Runtime.Version.parse(version);

        assertThatThrownBy(() -> JoseVerifiers.requirePatchedRuntime(parsed))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("CVE-2022-21449");
    }

    @ParameterizedTest(name = "Java {0}")
    @ValueSource(strings = {"17.0.3", "17.0.15+6", "18.0.1", "19", "21.0.5", "25"})
    void requirePatchedRuntimeWhenJdkIsFixedThenAccepted(String version) {
        Runtime.Version parsed = Runtime.Version.parse(version);

        assertThatCode(() -> JoseVerifiers.requirePatchedRuntime(parsed))
                .doesNotThrowAnyException();
    }

    @Test
    void requirePatchedRuntimeWhenThisJvmThenAccepted() {
        assertThatCode(() -> JoseVerifiers.requirePatchedRuntime(Runtime.version()))
                .doesNotThrowAnyException();
    }

    @Test
    void ecWhenCreatedThenRunsOnBouncyCastleNotTheJdkProvider() throws Exception {
        var verifier = (ECDSAVerifier) JoseVerifiers.ec(TestKeys.ecP256().toECPublicKey());

        assertThat(verifier.getJCAContext().getProvider()).isSameAs(JoseVerifiers.bouncyCastle());
    }

    @Test
    void bouncyCastleWhenListedThenOffersItsTwoEcdsaVerificationsAlone() {
        assertThat(JoseVerifiers.bouncyCastle().getServices())
                .extracting(Provider.Service::getType, Provider.Service::getAlgorithm)
                .containsExactlyInAnyOrder(tuple("Signature", "SHA256withECDSA"),
                        tuple("Signature", "SHA384withECDSA"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ES256", "ES384"})
    void ecWhenSignedByTheJdkThenVerifiesAndATamperedMessageDoesNot(String name) throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.parse(name);
        ECKey key = new ECKeyGenerator(alg.equals(JWSAlgorithm.ES256) ? Curve.P_256 : Curve.P_384)
                .generate();
        var jws = new JWSObject(new JWSHeader(alg), new Payload("{\"sub\":\"w\"}"));
        jws.sign(new ECDSASigner(key));
        JWSVerifier verifier = JoseVerifiers.ec(key.toECPublicKey());
        byte[] tampered = jws.getSigningInput().clone();
        tampered[tampered.length - 2] ^= 1;

        assertThat(verifier.verify(jws.getHeader(), jws.getSigningInput(), jws.getSignature()))
                .isTrue();
        assertThat(verifier.verify(jws.getHeader(), tampered, jws.getSignature())).isFalse();
    }

    @Test
    void bouncyCastleWhenKeyIsOnAnotherCurveThenRefusedAtInit() throws Exception {
        var signature = Signature.getInstance("SHA256withECDSA", JoseVerifiers.bouncyCastle());
        ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
        ECKey p521 = new ECKeyGenerator(Curve.P_521).generate();

        assertThatThrownBy(() -> signature.initVerify(p384.toECPublicKey()))
                .isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> signature.initVerify(p521.toECPublicKey()))
                .isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> signature.initSign(TestKeys.ecP256().toECPrivateKey()))
                .isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void ecWhenSignatureIsAllZeroThenDoesNotVerify() throws Exception {
        // BUG-10 A at the lowest level: 64 zero bytes for any message and key.
        var verifier = JoseVerifiers.ec(TestKeys.ecP256().toECPublicKey());
        byte[] message = "eyJhbGciOiJFUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII);

        assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.ES256), message,
                Base64URL.encode(new byte[64]))).isFalse();
    }

    @Test
    void verifiersWhenCreatedThenDeferNoCriticalHeader() throws Exception {
        var ec = (ECDSAVerifier) JoseVerifiers.ec(TestKeys.ecP256().toECPublicKey());
        var rsa = (RSASSAVerifier) JoseVerifiers.rsa(TestKeys.rsa2048().toRSAPublicKey());

        assertThat(ec.getDeferredCriticalHeaderParams()).isEmpty();
        assertThat(rsa.getDeferredCriticalHeaderParams()).isEmpty();
    }
}
