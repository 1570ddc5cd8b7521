// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IssuerRegistryTest {

    private static final String GITHUB = "https://token.actions.githubusercontent.com";

    @TempDir
    Path dir;

    // ---- a valid entry and its defaults

    @Test
    void fromDocumentWhenEntryIsMinimalThenAppliesDocumentedDefaults() {
        IssuerRegistry registry = registry("""
                issuers:
                  - id: acme
                    issuer: https://issuer.example
                    jwksUri: https://issuer.example/jwks
                """);

        IssuerConfig entry = registry.byId("acme").orElseThrow();
        assertThat(entry.issuer()).isEqualTo("https://issuer.example");
        assertThat(entry.preset()).isEqualTo(IssuerPreset.GENERIC_OIDC);
        assertThat(entry.audiences()).containsExactly(TestRegistries.VEND);
        assertThat(entry.algorithms()).containsExactly("RS256");
        assertThat(entry.leeway()).isEqualTo(Duration.ofSeconds(30));
        assertThat(entry.maxTokenAge()).isEqualTo(Duration.ofHours(1));
        assertThat(entry.keySource())
                .isEqualTo(new KeySource.JwksUri(URI.create("https://issuer.example/jwks")));
        assertThat(entry.multiTenant()).isFalse();
        assertThat(entry.pinnedClaims()).isEmpty();
        assertThat(entry.singleUseJti()).isFalse();
        assertThat(entry.allowPrivateNetwork()).isFalse();
        assertThat(registry.byIssuer("https://issuer.example")).contains(entry);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "https://issuer.example/", "https://ISSUER.example", "http://issuer.example"})
    void byIssuerWhenIssStringDiffersByAnyByteThenFindsNothing(String iss) {
        IssuerRegistry registry = registry(entry("acme", "https://issuer.example"));

        assertThat(registry.byIssuer(iss)).isEmpty();
    }

    @Test
    void fromDocumentWhenRelativeJwksFileThenResolvesAgainstBaseDir() {
        IssuerRegistry registry = registry("""
                issuers:
                  - id: acme
                    issuer: https://issuer.example
                    jwksFile: keys/jwks.json
                """);

        assertThat(registry.byId("acme").orElseThrow().keySource())
                .isEqualTo(new KeySource.JwksFile(dir.resolve("keys/jwks.json")));
    }

    // ---- issuer URL: https only, a host name, no user info (BUG-19 policy-write inputs)

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://issuer.example",
        "HTTPS://issuer.example",
        "https:///no-host",
        "issuer.example",
    })
    void fromDocumentWhenIssuerIsNotHttpsThenRefused(String issuer) {
        assertProblem(entry("acme", issuer), "must be an https URL");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "https://127.0.0.1:8443",
        "https://[fd00::1]",
        "https://[::1]/",
        "https://10.0.0.1/",
        "https://2130706433/",
    })
    void fromDocumentWhenIssuerHostIsIpLiteralThenRefused(String issuer) {
        assertProblem(entry("acme", issuer), "must name a host, not an IP address");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "https://issuer.example@10.0.0.1/",
        "https://user:pass@issuer.example",
        "https://issuer.example/?tenant=a",
        "https://issuer.example/#frag",
    })
    void fromDocumentWhenIssuerCarriesUserInfoQueryOrFragmentThenRefused(String issuer) {
        assertProblem(entry("acme", issuer), "must not carry user info, a query or a fragment");
    }

    // ---- presets

    @Test
    void fromDocumentWhenPresetUnknownThenRefused() {
        assertProblem(entry("acme", "https://issuer.example", "preset: github"),
                "unknown preset 'github'");
    }

    @Test
    void fromDocumentWhenGoogleIssuerUsesGenericPresetThenRefused() {
        assertProblem(entry("google", "https://accounts.google.com", "preset: oidc"),
                "verified by the gce preset and only by it");
    }

    @Test
    void fromDocumentWhenGcePresetNamesAnotherIssuerThenRefused() {
        assertProblem(entry("gce", "https://issuer.example", "preset: gce"),
                "verified by the gce preset and only by it");
    }

    @Test
    void fromDocumentWhenGoogleIssuerUsesGcePresetThenAccepted() {
        // Regression: the gce preset had an empty claim catalog, so its own default pinned claim
        // (instance_id) was "not in the catalog" and no GCE entry could ever be configured.
        IssuerRegistry registry = registry("""
                issuers:
                  - id: gce
                    issuer: https://accounts.google.com
                    preset: gce
                    jwksUri: https://www.googleapis.com/oauth2/v3/certs
                """);

        IssuerConfig entry = registry.byId("gce").orElseThrow();
        assertThat(entry.multiTenant()).isTrue();
        assertThat(entry.pinnedClaims()).containsExactly("instance_id");
        assertThat(entry.claimCatalog()).extracting(ClaimSpec::attribute)
                .contains("instance_id", "project_id", "project_number", "zone");
    }

    // ---- audiences

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "sts.amazonaws.com",
        "api://AzureADTokenExchange",
        "https://kubernetes.default.svc",
        "https://kubernetes.default.svc.cluster.local",
        "https://github.com/acme",
    })
    void fromDocumentWhenSharedAudienceWithoutOptInThenRefused(String audience) {
        assertProblem(entry("acme", "https://issuer.example", "audiences: ['" + audience + "']"),
                "audience " + audience + " is shared with other relying parties");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sts.amazonaws.com", "https://kubernetes.default.svc"})
    void fromDocumentWhenSharedAudienceAllowedExplicitlyThenAccepted(String audience) {
        IssuerRegistry registry = registry(entry("acme", "https://issuer.example",
                "audiences: ['" + audience + "']", "allowSharedAudiences: true"));

        assertThat(registry.byId("acme").orElseThrow().audiences()).containsExactly(audience);
    }

    @Test
    void fromDocumentWhenAudiencesEmptyThenRefused() {
        // BUG-07 P0: "no configured audience" must never mean "any audience".
        assertProblem(entry("acme", "https://issuer.example", "audiences: []"),
                "'audiences' must not be empty");
    }

    @Test
    void fromDocumentWhenAudienceIsEmptyStringThenRefused() {
        assertProblem(entry("acme", "https://issuer.example", "audiences: ['']"),
                "'audiences' must list non-empty strings");
    }

    // ---- algorithms

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "NONE", "HS256", "HS512", "ES512", "RS1", "EdDSA"})
    void fromDocumentWhenAlgorithmUnsupportedThenRefused(String alg) {
        assertProblem(entry("acme", "https://issuer.example", "algorithms: ['" + alg + "']"),
                "algorithm " + alg + " is not accepted");
    }

    @Test
    void fromDocumentWhenAlgorithmsEmptyThenRefused() {
        assertProblem(entry("acme", "https://issuer.example", "algorithms: []"),
                "'algorithms' must not be empty");
    }

    @Test
    void fromDocumentWhenAsymmetricAlgorithmsListedThenAccepted() {
        IssuerRegistry registry = registry(entry("acme", "https://issuer.example",
                "algorithms: [RS256, PS256, ES256, ES384]"));

        assertThat(registry.byId("acme").orElseThrow().algorithms())
                .containsExactlyInAnyOrder("RS256", "PS256", "ES256", "ES384");
    }

    // ---- leeway and token age

    @ParameterizedTest(name = "leewaySeconds {0}")
    @ValueSource(ints = {61, 300, -1})
    void fromDocumentWhenLeewayOutsideZeroToSixtyThenRefused(int seconds) {
        assertProblem(entry("acme", "https://issuer.example", "leewaySeconds: " + seconds),
                "leewaySeconds must be between 0 and 60");
    }

    @ParameterizedTest(name = "leewaySeconds {0}")
    @ValueSource(ints = {0, 5, 60})
    void fromDocumentWhenLeewayWithinSixtyThenAccepted(int seconds) {
        IssuerRegistry registry = registry(
                entry("acme", "https://issuer.example", "leewaySeconds: " + seconds));

        assertThat(registry.byId("acme").orElseThrow().leeway()).hasSeconds(seconds);
    }

    @ParameterizedTest(name = "maxTokenAgeSeconds {0}")
    @ValueSource(ints = {0, -5, 86401})
    void fromDocumentWhenMaxTokenAgeOutOfRangeThenRefused(int seconds) {
        assertProblem(entry("acme", "https://issuer.example", "maxTokenAgeSeconds: " + seconds),
                "maxTokenAgeSeconds must be between 1 and 86400");
    }

    @Test
    void fromDocumentWhenLeewayIsNotWholeNumberThenRefused() {
        assertProblem(entry("acme", "https://issuer.example", "leewaySeconds: '30'"),
                "'leewaySeconds' must be a whole number");
    }

    // ---- key source

    @Test
    void fromDocumentWhenNoKeySourceThenRefused() {
        assertProblem("""
                issuers:
                  - id: acme
                    issuer: https://issuer.example
                """, "name exactly one key source");
    }

    static Stream<Arguments> twoKeySources() {
        return Stream.of(
                Arguments.of("discovery and jwksUri",
                        "discovery: true\n    jwksUri: https://issuer.example/jwks"),
                Arguments.of("discovery and jwksFile",
                        "discovery: true\n    jwksFile: jwks.json"),
                Arguments.of("jwksUri and jwksFile",
                        "jwksUri: https://issuer.example/jwks\n    jwksFile: jwks.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twoKeySources")
    void fromDocumentWhenTwoKeySourcesThenRefused(String name, String sources) {
        assertProblem("""
                issuers:
                  - id: acme
                    issuer: https://issuer.example
                    %s
                """.formatted(sources), "name exactly one key source");
    }

    @Test
    void fromDocumentWhenDiscoveryFalseAloneThenRefused() {
        assertProblem("""
                issuers:
                  - id: acme
                    issuer: https://issuer.example
                    discovery: false
                """, "name exactly one key source");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "http://issuer.example/jwks",
        "https://10.0.0.5/jwks",
        "https://user@issuer.example/jwks",
        "file:///etc/passwd",
    })
    void fromDocumentWhenJwksUriBreaksFetchRulesThenRefusedAtStart(String uri) {
        // Regression: a configured jwksUri was only checked when first fetched, so a deployment
        // with an unusable key source started and then failed every request.
        assertProblem("""
                issuers:
                  - id: acme
                    issuer: https://issuer.example
                    jwksUri: '%s'
                """.formatted(uri), "jwksUri");
    }

    @Test
    void fromDocumentWhenIssuerOrJwksUriCarriesCredentialsThenNoProblemRepeatsThem() {
        // A refused URL may carry a password or a token; problems reach start errors and logs.
        List<String> problems = problems("""
                issuers:
                  - id: one
                    issuer: 'https://user:s3cret-a@issuer.example'
                    jwksUri: 'https://user:s3cret-b@issuer.example/jwks'
                    multiTenant: true
                    pinnedClaims: []
                  - id: two
                    issuer: 'https://user:s3cret-a@issuer.example'
                    jwksUri: 'http://keys.example/jwks?token=s3cret-c'
                  - id: three
                    issuer: 'https://issuer.example/?token=s3cret-d'
                    jwksUri: 'https://keys.example/ jwks?token=s3cret-e'
                """);

        assertThat(problems).isNotEmpty().noneMatch(problem -> problem.contains("s3cret"))
                .contains("issuers[0]: issuer (https://issuer.example) must not carry user info,"
                        + " a query or a fragment")
                .contains("issuers[0]: jwksUri https://issuer.example carries user info")
                .contains("issuers[0]: issuer (https://issuer.example) serves many tenants: name"
                        + " the immutable-id claims every policy must pin in 'pinnedClaims'")
                .contains("issuers[1]: issuer (https://issuer.example) is registered twice; each"
                        + " issuer maps to exactly one verifier")
                .contains("issuers[1]: jwksUri http://keys.example is not an https URL")
                .contains("issuers[2]: jwksUri is not a valid URL");
    }

    // ---- multi-tenant issuers

    @Test
    void fromDocumentWhenKnownMultiTenantUrlUnderGenericPresetWithoutPinsThenRefused() {
        assertProblem(entry("gitlab", "https://gitlab.com"), "serves many tenants");
    }

    @Test
    void fromDocumentWhenGithubUrlUnderGenericPresetEvenWithPinsThenRefused() {
        // The generic preset builds subjects from the name-based sub, which can be recycled.
        assertProblem(entry("github", GITHUB, "pinnedClaims: [sub]"),
                "is verified by the github-actions preset and only by it");
    }

    @ParameterizedTest(name = "{0} under {1}")
    @CsvSource({
        "https://token.actions.githubusercontent.com, gitlab-ci, github-actions",
        "https://token.actions.githubusercontent.com, kubernetes, github-actions",
        "https://gitlab.com, github-actions, gitlab-ci",
        "https://gitlab.com, oidc, gitlab-ci",
        "https://gitlab.com, kubernetes, gitlab-ci",
        "https://accounts.google.com, oidc, gce",
        "https://accounts.google.com, github-actions, gce"})
    void fromDocumentWhenKnownIssuerUrlUnderAnotherPresetThenRefused(String issuer, String preset,
            String own) {
        String yaml = entry("known", issuer, "preset: " + preset, "pinnedClaims: [sub]");

        assertThat(problems(yaml)).anyMatch(problem -> problem.contains(issuer)
                && problem.contains("by the " + own + " preset and only by it"));
    }

    @Test
    void fromDocumentWhenMultiTenantPresetPinsNothingThenRefused() {
        assertProblem(entry("github", GITHUB, "preset: github-actions", "pinnedClaims: []"),
                "serves many tenants");
    }

    @Test
    void fromDocumentWhenKnownMultiTenantUrlClaimsSingleTenantThenStillMultiTenant() {
        IssuerRegistry registry = registry(entry("github", GITHUB,
                "preset: github-actions", "multiTenant: false"));

        IssuerConfig entry = registry.byId("github").orElseThrow();
        assertThat(entry.multiTenant()).isTrue();
        assertThat(entry.pinnedClaims()).containsExactly("repository_owner_id", "repository_id");
        assertThat(entry.singleUseJti()).isTrue();
    }

    @Test
    void fromDocumentWhenMultiTenantDeclaredWithoutPinsThenRefused() {
        assertProblem(entry("acme", "https://issuer.example", "multiTenant: true"),
                "serves many tenants");
    }

    @Test
    void fromDocumentWhenKnownMultiTenantUrlPinsDeclaredClaimThenAccepted() {
        IssuerRegistry registry = registry(entry("tfc", "https://app.terraform.io",
                "pinnedClaims: [terraform_organization_id]",
                "claims: {terraform_organization_id: string}"));

        IssuerConfig entry = registry.byId("tfc").orElseThrow();
        assertThat(entry.multiTenant()).isTrue();
        assertThat(entry.pinnedClaims()).containsExactly("terraform_organization_id");
    }

    @Test
    void fromDocumentWhenPinnedClaimNotInCatalogThenRefused() {
        assertProblem(entry("tfc", "https://app.terraform.io", "pinnedClaims: [org_id]"),
                "pinned claim org_id is not in the oidc claim catalog");
    }

    // ---- shape of the document

    @Test
    void fromDocumentWhenUnknownFieldThenRefused() {
        assertProblem(entry("acme", "https://issuer.example", "allowAll: true"),
                "unknown field(s) [allowAll]");
    }

    @Test
    void fromDocumentWhenIdMalformedThenRefused() {
        assertProblem(entry("Acme_1", "https://issuer.example"), "id 'Acme_1' must match");
    }

    @Test
    void fromDocumentWhenClaimTypeUnknownThenRefused() {
        assertProblem(entry("acme", "https://issuer.example", "claims: {team: text}"),
                "claim team needs a type");
    }

    @Test
    void fromDocumentWhenIdsRepeatThenRefused() {
        assertProblem("issuers:\n" + item("acme", "https://a.example")
                + item("acme", "https://b.example"), "duplicate id 'acme'");
    }

    @Test
    void fromDocumentWhenIssuerRegisteredTwiceThenRefused() {
        assertProblem("issuers:\n" + item("one", "https://a.example")
                + item("two", "https://a.example"),
                "issuer https://a.example is registered twice");
    }

    @Test
    void fromDocumentWhenManyMistakesThenReportsEveryProblemAtOnce() {
        List<String> problems = problems("""
                issuers:
                  - id: acme
                    issuer: http://issuer.example
                    preset: nope
                    audiences: [sts.amazonaws.com]
                    algorithms: [HS256]
                    leewaySeconds: 120
                    colour: blue
                  - id: acme
                    issuer: https://10.0.0.1
                    discovery: true
                    jwksFile: jwks.json
                """);

        assertThat(problems).anyMatch(p -> p.contains("unknown field(s) [colour]"))
                .anyMatch(p -> p.contains("must be an https URL"))
                .anyMatch(p -> p.contains("unknown preset 'nope'"))
                .anyMatch(p -> p.contains("audience sts.amazonaws.com is shared"))
                .anyMatch(p -> p.contains("algorithm HS256 is not accepted"))
                .anyMatch(p -> p.contains("leewaySeconds must be between 0 and 60"))
                .anyMatch(p -> p.contains("issuers[0]") && p.contains("exactly one key source"))
                .anyMatch(p -> p.contains("must name a host, not an IP address"))
                .anyMatch(p -> p.contains("issuers[1]") && p.contains("exactly one key source"))
                .anyMatch(p -> p.contains("duplicate id 'acme'"));
        assertThat(problems).hasSizeGreaterThanOrEqualTo(10);
    }

    // ---- helpers

    private IssuerRegistry registry(String yaml) {
        return TestRegistries.fromYaml(yaml, dir);
    }

    private List<String> problems(String yaml) {
        var thrown = catchThrowableOfType(InvalidConfigurationException.class,
                () -> TestRegistries.fromYaml(yaml, dir));
        assertThat(thrown).as("the configuration should be refused").isNotNull();
        return thrown.problems();
    }

    private void assertProblem(String yaml, String expected) {
        assertThat(problems(yaml)).anyMatch(problem -> problem.contains(expected));
    }

    /** A document with one entry: a JWKS URI on the issuer's host plus the given lines. */
    private static String entry(String id, String issuer, String... lines) {
        return "issuers:\n" + item(id, issuer, lines);
    }

    private static String item(String id, String issuer, String... lines) {
        var out = new StringBuilder()
                .append("  - id: '").append(id).append("'\n")
                .append("    issuer: '").append(issuer).append("'\n")
                .append("    jwksUri: https://keys.example/jwks\n");
        for (String line : lines) {
            out.append("    ").append(line).append('\n');
        }
        return out.toString();
    }
}
