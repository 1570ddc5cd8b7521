// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.gce;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.util.Base64URL;
import dev.vend.challenge.Challenges;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenTypes;
import dev.vend.testsupport.RealDocs;
import dev.vend.verify.ClaimAttributes;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.IssuerKeys;
import dev.vend.verify.IssuerRegistry;
import dev.vend.verify.JwksCache;
import dev.vend.verify.MutableClock;
import dev.vend.verify.StrictJws;
import dev.vend.verify.TestRegistries;
import dev.vend.verify.VerifierRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The genuine Compute Engine token of realdocs/gcp-iit, read at test time, against the Google
 * JWKS snapshot of its day. PROVENANCE.md's verdict: signature valid (RS256, kid 6a8ba565…),
 * invalid under the other key, expired today. Its audience names Red Hat's service and carries no
 * Vend challenge, so Vend refuses it even at its own time, after the signature verified.
 */
class RealGceTokenTest {

    static final String TOKEN = "gcp-iit/iit-01-us-east1-2021-03-24-format-full.jwt";
    static final String JWKS = "gcp-iit/google-oauth2-v3-certs-snapshot-2021.json";
    static final String TOKEN_KID = "6a8ba5652a7044121d4fedac8f14d14c54e4895b";
    static final String TOKEN_AUD = "https://subscription.rhsm.redhat.com:443/subscription";
    /** Inside [iat 1616596223, exp 1616599823]. */
    static final Instant TOKEN_TIME = Instant.ofEpochSecond(1616596283L);
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> VERDICTS = new TreeMap<>();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TOKEN_TIME);
    private String token;

    @BeforeEach
    void setUp() {
        token = RealDocs.read(TOKEN).strip();
    }

    @AfterAll
    static void printVerdicts() {
        System.out.println("realdocs/gcp-iit verdicts (file -> verdict):");
        VERDICTS.forEach((file, verdict) -> System.out.println("  " + file + " -> " + verdict));
    }

    @Test
    void verifyWhenGenuineTokenAtItsTimeWithItsAudienceThenSignatureValidButNoChallenge() {
        DenialException denial = assertDenied(
                () -> verify(token, RealDocs.resolve(JWKS), TOKEN_AUD),
                DenialReason.AUDIENCE_MISMATCH);

        assertThat(denial.detail()).isEqualTo("aud carries no challenge");
        VERDICTS.put(TOKEN + " @2021-03-24", "signature VALID; refused: audience_mismatch "
                + "(aud carries no Vend challenge)");
    }

    @Test
    void verifyWhenGenuineTokenAtItsTimeWithVendAudienceThenDeniesAudienceMismatch() {
        assertDenied(() -> verify(token, RealDocs.resolve(JWKS), TestRegistries.VEND),
                DenialReason.AUDIENCE_MISMATCH);
    }

    @Test
    void verifyWhenGenuineTokenTodayThenDeniesExpired() {
        clock.set(Instant.now());

        assertDenied(() -> verify(token, RealDocs.resolve(JWKS), TOKEN_AUD), DenialReason.EXPIRED);
        VERDICTS.put(TOKEN + " @now", "refused: expired");
    }

    @Test
    void verifyWhenOnlyOtherGoogleKeyRenamedToTokenKidThenDeniesBadSignature() throws Exception {
        Path jwks = otherKeyAs(TOKEN_KID);

        assertDenied(() -> verify(token, jwks, TOKEN_AUD), DenialReason.BAD_SIGNATURE);
        VERDICTS.put(TOKEN + " vs key 13e8d45a…", "refused: bad_signature");
    }

    @Test
    void verifyWhenPayloadEditedToAnotherProjectThenDeniesBadSignature() {
        String[] parts = token.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String evil = payload.replace("fair-kingdom-308514", "evil-kingdom-308514");
        assertThat(evil).isNotEqualTo(payload);
        String edited = parts[0] + "." + Base64URL.encode(evil.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        assertDenied(() -> verify(edited, RealDocs.resolve(JWKS), TOKEN_AUD),
                DenialReason.BAD_SIGNATURE);
    }

    @Test
    void attributesWhenGenuineTokenThenProjectNumberIsNumberAndInstanceIdString() {
        IssuerRegistry registry = registry(RealDocs.resolve(JWKS), TOKEN_AUD);
        StrictJws jws = StrictJws.parse(token);
        GceMapping.requireComputeEngine(jws.claims());

        Map<String, AttributeValue> attributes = ClaimAttributes.attributes(jws.claims(),
                registry.byId("gce").orElseThrow());

        assertThat(attributes).containsEntry("project_id",
                new AttributeValue.Str("fair-kingdom-308514"));
        assertThat(attributes).containsEntry("project_number",
                new AttributeValue.Num(new BigDecimal("161958465613")));
        assertThat(attributes).containsEntry("instance_id",
                new AttributeValue.Str("2589221140676718026"));
        assertThat(attributes).containsEntry("zone", new AttributeValue.Str("us-east1-b"));
        assertThat(attributes).containsEntry("sub",
                new AttributeValue.Str("104070955682298736149"));
    }

    private void verify(String compact, Path jwks, String audience) {
        IssuerRegistry registry = registry(jwks, audience);
        var keys = IssuerKeys.forRegistry(registry, HttpsFetcher.withDefaultTrust(), clock,
                JwksCache.Timing.defaults());
        var challenges = new Challenges(new InMemorySingleUseStore(), clock);
        new VerifierRegistry(registry,
                List.of(new GceVerifier(new GceVerifierConfig(keys, challenges, clock))))
                .verify(new Attestation(TokenTypes.JWT, compact));
    }

    private IssuerRegistry registry(Path jwks, String audience) {
        return TestRegistries.fromYaml("""
                issuers:
                  - id: gce
                    issuer: https://accounts.google.com
                    preset: gce
                    audiences: [%s]
                    algorithms: [RS256]
                    jwksFile: %s
                """.formatted(audience, jwks), dir);
    }

    private Path otherKeyAs(String kid) throws Exception {
        JsonNode set = JSON.readTree(RealDocs.read(JWKS));
        for (JsonNode key : set.get("keys")) {
            if (!TOKEN_KID.equals(key.get("kid").asText())) {
                ((ObjectNode) key).put("kid", kid);
                ObjectNode out = JSON.createObjectNode();
                out.putArray("keys").add(key);
                Path file = dir.resolve("other.json");
                Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
                return file;
            }
        }
        throw new AssertionError("the snapshot holds no other key");
    }
}
