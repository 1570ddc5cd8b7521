// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.api.http.WellKnownController;
import dev.vend.audit.AuditLog;
import dev.vend.issue.KeyRing;
import dev.vend.issue.KeyState;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.AttributeValue;
import dev.vend.model.IdentitySource;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Entitlement;
import dev.vend.testsupport.FakeKms;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code vend.signing-keys} wiring: the assembly signs with KMS keys, fetching each public key
 * once while it is built (before a SnapStart snapshot), and refuses an unsafe rotation at start.
 */
class KmsWiringTest {

    private static FakeKms fake;
    private static String activeArn;
    private static String nextArn;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        fake = FakeKms.start();
        activeArn = fake.createEcP256Key();
        nextArn = fake.createRsa2048Key();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    private VendSettings settings(String signingKeys) throws IOException {
        Path policies = Files.createDirectories(dir.resolve("policies"));
        return new VendSettings("https://vend.test", null, policies.toString(), null, "ES256",
                signingKeys, null, null, 300, 3600, fake.endpoint().toString());
    }

    private static KmsClient client() {
        return KmsClient.builder()
                .endpointOverride(fake.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDWIRINGTEST", "wiring-test-secret")))
                .build();
    }

    private static VendAssembly.Environment environment() {
        return new VendAssembly.Environment(Clock.systemUTC(), new InMemorySingleUseStore(),
                AuditLog.discarding(), HttpsFetcher.withDefaultTrust());
    }

    private static String keys(String... entries) {
        return "[" + String.join(",", entries) + "]";
    }

    private static String key(String arn, String state, String extra) {
        return "{\"arn\":\"" + arn + "\",\"state\":\"" + state + "\"" + extra + "}";
    }

    @Test
    void buildWhenSigningKeysSetThenSignsWithKmsAndFetchedEachPublicKeyOnceAtBuild()
            throws Exception {
        int getPublicKey = fake.calls("GetPublicKey");
        int sign = fake.calls("Sign");

        try (KmsClient kms = client()) {
            VendAssembly assembly = VendAssembly.build(settings(keys(key(activeArn, "active", ""),
                    key(nextArn, "next", ""))), environment(), () -> kms);
            assertThat(fake.calls("GetPublicKey") - getPublicKey).isEqualTo(2);

            KeyRing ring = assembly.keys();
            var token = new TokenIssuer("https://vend.test", ring, Clock.systemUTC()).issue(
                    new VerifiedIdentity(IdentitySource.OIDC, "github-actions",
                            "https://token.actions.githubusercontent.com", "1:2",
                            Map.of("x", new AttributeValue.Str("y")),
                            Instant.now().plusSeconds(60), "ab".repeat(32)),
                    new Entitlement("p", "v", List.of("https://api.test"), Set.of(),
                            Duration.ofMinutes(5), Map.of()));

            assertThat(fake.calls("Sign") - sign).isEqualTo(1);
            assertThat(fake.calls("GetPublicKey") - getPublicKey).isEqualTo(2);
            SignedJWT jwt = SignedJWT.parse(token.accessToken());
            JWKSet jwks = JWKSet.parse(ring.published(Instant.now()).toString());
            assertThat(jwks.getKeys()).hasSize(2);
            assertThat(jwks.getKeyByKeyId(jwt.getHeader().getKeyID())).isNotNull();
            assertThat(ring.active().reference()).isEqualTo(activeArn);
            assertThat(ring.keys()).extracting(k -> k.state())
                    .containsExactly(KeyState.ACTIVE, KeyState.NEXT);
        }
    }

    @Test
    void buildWhenRetiringKeyLeavesBeforeItsTokensExpireThenRefusedAtStart() throws Exception {
        String retiring = key(nextArn, "retiring", ",\"retired_at\":\"2030-01-01T00:00:00Z\","
                + "\"published_until\":\"2030-01-01T01:00:00Z\"");

        try (KmsClient kms = client()) {
            Throwable thrown = catchThrowable(() -> VendAssembly.build(
                    settings(keys(key(activeArn, "active", ""), retiring)), environment(),
                    () -> kms));

            assertThat(thrown).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining(nextArn).hasMessageContaining("RETIRING");
        }
    }

    @Test
    void contextWhenSigningKeysAndKmsEndpointSetThenJwksServesTheKmsKeys() throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("vend.issuer-url", "https://vend.test");
        properties.put("vend.policies-folder",
                Files.createDirectories(dir.resolve("policies")).toString());
        properties.put("vend.signing-keys", keys(key(activeArn, "active", "")));
        properties.put("vend.kms-endpoint", fake.endpoint().toString());
        // The default credentials and region chains read these first.
        Map<String, String> system = Map.of("aws.accessKeyId", "AKIDWIRINGTEST",
                "aws.secretAccessKey", "wiring-test-secret", "aws.region", "us-east-1");
        system.forEach(System::setProperty);
        try (ApplicationContext context = ApplicationContext.builder()
                .environments("function", "lambda", "test").properties(properties).start()) {
            var body = context.getBean(WellKnownController.class).jwks().body();

            JWKSet jwks = JWKSet.parse(body);
            assertThat(jwks.getKeys()).singleElement().satisfies(jwk -> assertThat(
                    ((ECKey) jwk).toPublicKey()).isEqualTo(fake.publicKey(activeArn)));
        } finally {
            system.keySet().forEach(System::clearProperty);
        }
    }
}
