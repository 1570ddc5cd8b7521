// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vend.infra.constructs.ApiThrottle;
import dev.vend.infra.constructs.CustomDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the app turns CDK context into stack props; no synth. */
class TokenVendingAppTest {

    private static final String CERTIFICATE_ARN =
            "arn:aws:acm:us-east-1:123456789012:certificate/0b7c7b33-4a4e-4b8e-9c55-6f3a1c2d9e10";

    @TempDir
    Path repo;

    @Test
    void resolveFunctionJarWhenNotSetThenUsesTheApiModuleJarBesideInfraCdk() throws IOException {
        Path infraCdk = Files.createDirectories(repo.resolve("infra-cdk"));
        Path jar = jarAt(repo.resolve("functions/api/target/vend-api-0.1.0-SNAPSHOT.jar"));

        assertThat(TokenVendingApp.resolveFunctionJar(null, infraCdk)).isEqualTo(jar);
        assertThat(TokenVendingApp.resolveFunctionJar(" ", infraCdk)).isEqualTo(jar);
    }

    @Test
    void resolveFunctionJarWhenContextNamesAFileThenResolvesItAgainstTheBaseDir()
            throws IOException {
        Path jar = jarAt(repo.resolve("elsewhere/function.jar"));

        assertThat(TokenVendingApp.resolveFunctionJar("elsewhere/function.jar", repo))
                .isEqualTo(jar);
        assertThat(TokenVendingApp.resolveFunctionJar(jar.toString(), Path.of("/")))
                .isEqualTo(jar);
    }

    @Test
    void resolveFunctionJarWhenMissingThenMessageNamesThePathAndTheMvnPackageCommand() {
        Path infraCdk = repo.resolve("infra-cdk");
        Path expected = repo.resolve("functions/api/target/vend-api-0.1.0-SNAPSHOT.jar");

        assertThatThrownBy(() -> TokenVendingApp.resolveFunctionJar(null, infraCdk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected.toString())
                .hasMessageContaining("mvn -pl functions/api -am package")
                .hasMessageContaining("-c functionJar=");
    }

    @Test
    void resolveFunctionJarWhenPathIsADirectoryThenFails() {
        assertThatThrownBy(() -> TokenVendingApp.resolveFunctionJar(repo.toString(), repo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Lambda code not found");
    }

    @Test
    void propsFromContextWhenOnlyTheJarIsGivenThenUsesDefaults() throws IOException {
        Path jar = jarAt(repo.resolve("f.jar"));
        Map<String, Object> context = Map.of(TokenVendingApp.FUNCTION_JAR, jar.toString());

        TokenVendingStackProps props = TokenVendingApp.propsFromContext(context::get, repo);

        assertThat(props.functionJar()).isEqualTo(jar);
        assertThat(props.throttle()).isEqualTo(ApiThrottle.DEFAULTS);
        assertThat(props.challengeThrottle()).isEqualTo(ApiThrottle.CHALLENGE_DEFAULTS);
        assertThat(props.customDomain()).isNull();
        assertThat(props.policiesFolder()).isNull();
    }

    @Test
    void propsFromContextWhenStsEndpointGivenThenKeptForTheFunction() throws IOException {
        Path jar = jarAt(repo.resolve("f.jar"));
        Map<String, Object> context = Map.of(TokenVendingApp.FUNCTION_JAR, jar.toString(),
                TokenVendingApp.STS_ENDPOINT, " https://sts.cn-north-1.amazonaws.com.cn ");

        assertThat(TokenVendingApp.propsFromContext(context::get, repo).stsEndpoint())
                .isEqualTo("https://sts.cn-north-1.amazonaws.com.cn");
        assertThat(TokenVendingApp.propsFromContext(
                Map.<String, Object>of(TokenVendingApp.FUNCTION_JAR, jar.toString())::get, repo)
                .stsEndpoint()).isNull();
    }

    @Test
    void propsFromContextWhenStsEndpointNotHttpsOrNotBareThenRefusedNamingTheKey()
            throws IOException {
        Path jar = jarAt(repo.resolve("f.jar"));

        Map<String, String> refusals = Map.of(
                "http://127.0.0.1:4566", "stsEndpoint (http://127.0.0.1): ",
                "http://sts.example.com", "stsEndpoint (http://sts.example.com): ",
                "https://sts.example.com/path", "stsEndpoint (https://sts.example.com): ",
                "https://user@sts.example.com", "stsEndpoint (https://sts.example.com): ");
        refusals.forEach((url, expected) -> {
            Map<String, Object> context = Map.of(TokenVendingApp.FUNCTION_JAR, jar.toString(),
                    TokenVendingApp.STS_ENDPOINT, url);
            assertThatThrownBy(() -> TokenVendingApp.propsFromContext(context::get, repo))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(expected);
        });
    }

    // Regression: a refused endpoint was repeated in full, so its credentials reached the
    // synth output and the CI log that keeps it.
    @Test
    void propsFromContextWhenStsEndpointCarriesCredentialsThenRefusedWithoutRepeatingThem()
            throws IOException {
        Path jar = jarAt(repo.resolve("f.jar"));
        Map<String, Object> context = Map.of(TokenVendingApp.FUNCTION_JAR, jar.toString(),
                TokenVendingApp.STS_ENDPOINT, "https://ci-bot:s3cret@sts.example.com");

        assertThatThrownBy(() -> TokenVendingApp.propsFromContext(context::get, repo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stsEndpoint (https://sts.example.com): user info is not allowed")
                .satisfies(refused -> assertThat(refused.getCause())
                        .hasMessageNotContaining("s3cret"));
    }

    @Test
    void resolvePoliciesFolderWhenNotSetThenUsesThePoliciesFolderBesideInfraCdk()
            throws IOException {
        Path infraCdk = Files.createDirectories(repo.resolve("infra-cdk"));
        Path policies = Files.createDirectories(repo.resolve("policies"));

        assertThat(TokenVendingApp.resolvePoliciesFolder(null, infraCdk))
                .isEqualTo(policies.toAbsolutePath().normalize());
    }

    @Test
    void resolvePoliciesFolderWhenConfiguredFolderIsMissingThenFailsNamingTheKey() {
        assertThatThrownBy(() -> TokenVendingApp.resolvePoliciesFolder("nope", repo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policiesFolder");
    }

    @Test
    void propsFromContextReadsTheChallengeThrottle() throws IOException {
        Map<String, Object> context = Map.of(
                TokenVendingApp.FUNCTION_JAR, jarAt(repo.resolve("f.jar")).toString(),
                TokenVendingApp.CHALLENGE_BURST_LIMIT, "4",
                TokenVendingApp.CHALLENGE_RATE_LIMIT, 2);

        TokenVendingStackProps props = TokenVendingApp.propsFromContext(context::get, repo);

        assertThat(props.challengeThrottle()).isEqualTo(new ApiThrottle(4, 2));
    }

    @Test
    void propsFromContextReadsThrottleAsNumbersOrStringsAndTheCustomDomain() throws IOException {
        Map<String, Object> context = new HashMap<>();
        context.put(TokenVendingApp.FUNCTION_JAR, jarAt(repo.resolve("f.jar")).toString());
        context.put(TokenVendingApp.API_BURST_LIMIT, "40");
        context.put(TokenVendingApp.API_RATE_LIMIT, 12.5);
        context.put(TokenVendingApp.CUSTOM_DOMAIN_NAME, "Vend.Example.com");
        context.put(TokenVendingApp.CUSTOM_DOMAIN_CERTIFICATE_ARN, CERTIFICATE_ARN);

        TokenVendingStackProps props = TokenVendingApp.propsFromContext(context::get, repo);

        assertThat(props.throttle()).isEqualTo(new ApiThrottle(40, 12.5));
        assertThat(props.customDomain())
                .isEqualTo(new CustomDomain("vend.example.com", CERTIFICATE_ARN));
    }

    @Test
    void propsFromContextWhenDomainHasNoCertificateThenFails() throws IOException {
        Map<String, Object> context = Map.of(
                TokenVendingApp.FUNCTION_JAR, jarAt(repo.resolve("f.jar")).toString(),
                TokenVendingApp.CUSTOM_DOMAIN_NAME, "vend.example.com");

        assertThatThrownBy(() -> TokenVendingApp.propsFromContext(context::get, repo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(TokenVendingApp.CUSTOM_DOMAIN_CERTIFICATE_ARN);
    }

    @Test
    void propsFromContextWhenBurstIsNotAWholeNumberThenFailsNamingTheKey() throws IOException {
        Map<String, Object> context = Map.of(
                TokenVendingApp.FUNCTION_JAR, jarAt(repo.resolve("f.jar")).toString(),
                TokenVendingApp.API_BURST_LIMIT, "ten");

        assertThatThrownBy(() -> TokenVendingApp.propsFromContext(context::get, repo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(TokenVendingApp.API_BURST_LIMIT);
    }

    private static Path jarAt(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return CdkTestSupport.lambdaJar(file);
    }
}
