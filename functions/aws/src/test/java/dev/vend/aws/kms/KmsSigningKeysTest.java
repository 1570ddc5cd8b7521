// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import static dev.vend.aws.FailureAssertions.assertFails;
import static dev.vend.aws.FailureAssertions.assertNeverShows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vend.issue.KeyState;
import dev.vend.issue.SigningKey;
import dev.vend.issue.SigningKeyConfig;
import dev.vend.testsupport.FakeKms;
import dev.vend.verify.FailureKind;
import dev.vend.verify.InvalidConfigurationException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@link KmsSigningKeys} through the real SDK client against {@link FakeKms}. */
class KmsSigningKeysTest {

    private static FakeKms fake;
    private static KmsClient kms;

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        kms = KmsSignerFakeTest.client(fake.endpoint());
    }

    @AfterAll
    static void stop() {
        kms.close();
        fake.close();
    }

    @AfterEach
    void clearFaults() {
        fake.clearFaults();
    }

    @Test
    void loadWhenRsaAndEcKeysThenPublicJwksWithThumbprintKidAndTheConfiguredSchedule()
            throws Exception {
        String rsa = fake.createRsa2048Key();
        String ec = fake.createEcP256Key();
        Instant until = Instant.parse("2030-01-02T00:00:00Z");
        Instant retired = Instant.parse("2030-01-01T00:00:00Z");

        List<SigningKey> keys = KmsSigningKeys.load(List.of(
                new SigningKeyConfig(rsa, KeyState.RETIRING, until, retired, null),
                new SigningKeyConfig(ec, KeyState.ACTIVE, null)), kms);

        assertThat(keys).extracting(SigningKey::reference).containsExactly(rsa, ec);
        SigningKey rsaKey = keys.get(0);
        assertThat(rsaKey.publicJwk()).isInstanceOf(RSAKey.class);
        assertThat(rsaKey.algorithm().getName()).isEqualTo("RS256");
        assertThat(rsaKey.keyId()).isEqualTo(rsaKey.publicJwk().computeThumbprint().toString());
        assertThat(((RSAKey) rsaKey.publicJwk()).toPublicKey()).isEqualTo(fake.publicKey(rsa));
        assertThat(rsaKey.state()).isEqualTo(KeyState.RETIRING);
        assertThat(rsaKey.publishedUntil()).isEqualTo(until);
        assertThat(rsaKey.retiredAt()).isEqualTo(retired);
        SigningKey ecKey = keys.get(1);
        assertThat(ecKey.publicJwk()).isInstanceOf(ECKey.class);
        assertThat(ecKey.algorithm().getName()).isEqualTo("ES256");
        assertThat(((ECKey) ecKey.publicJwk()).toPublicKey()).isEqualTo(fake.publicKey(ec));
        assertThat(keys).allSatisfy(k -> assertThat(k.publicJwk().isPrivate()).isFalse());
    }

    @Test
    void loadWhenCalledThenOneGetPublicKeyPerKey() {
        String a = fake.createEcP256Key();
        String b = fake.createEcP256Key();
        int before = fake.calls("GetPublicKey");

        KmsSigningKeys.load(List.of(new SigningKeyConfig(a, KeyState.ACTIVE, null),
                new SigningKeyConfig(b, KeyState.NEXT, null)), kms);

        assertThat(fake.calls("GetPublicKey") - before).isEqualTo(2);
    }

    @Test
    void loadWhenKeysMissingOrDisabledThenRefusesListingEveryOneByCodeOnly() {
        String disabled = fake.createEcP256Key();
        fake.disable(disabled);
        String missing = "arn:aws:kms:us-east-1:" + FakeKms.ACCOUNT
                + ":key/00000000-0000-0000-0000-000000000000";

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> KmsSigningKeys.load(List.of(
                        new SigningKeyConfig(disabled, KeyState.ACTIVE, null),
                        new SigningKeyConfig(missing, KeyState.NEXT, null)), kms));

        assertThat(refused).isNotNull();
        assertThat(refused.problems()).hasSize(2);
        assertThat(refused.problems().get(0)).contains(disabled).contains("DisabledException")
                .doesNotContain("is disabled.");
        assertThat(refused.problems().get(1)).contains(missing).contains("NotFoundException")
                .doesNotContain("does not exist");
    }

    @Test
    void loadWhenAccessDeniedThenRefusedWithoutTheAwsMessage() {
        String arn = fake.createEcP256Key();
        fake.failNext("GetPublicKey", 400, "AccessDeniedException", Integer.MAX_VALUE);

        var refused = catchThrowableOfType(InvalidConfigurationException.class,
                () -> KmsSigningKeys.load(List.of(new SigningKeyConfig(arn, KeyState.ACTIVE,
                        null)), kms));

        assertThat(refused.problems()).singleElement().asString()
                .contains("AccessDeniedException");
        assertNeverShows(refused, "assumed-role");
    }

    @Test
    void loadWhenThrottledThenTransientFailureSoInitialisationIsRetried() {
        String arn = fake.createEcP256Key();
        fake.failNext("GetPublicKey", 400, "ThrottlingException", Integer.MAX_VALUE);

        var failure = assertFails(() -> KmsSigningKeys.load(List.of(
                new SigningKeyConfig(arn, KeyState.ACTIVE, null)), kms), FailureKind.TRANSIENT);

        assertNeverShows(failure, "assumed-role");
    }
}
