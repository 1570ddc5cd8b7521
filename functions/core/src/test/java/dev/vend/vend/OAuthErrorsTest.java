// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class OAuthErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASK = "<request-id>";
    /** Words that would tell a caller which check failed, or that their proof was genuine. */
    private static final List<String> TELLTALES = List.of("signature", "policy", "expired",
            "issuer", "audience", "scope", "key", "claim", "replay", "entitle", "genuine",
            "match", "kid", "alg");

    /** A response as the caller sees it, with the Date header left out as the contract says. */
    private record Rendered(int status, Map<String, String> headers, String body) {

        static Rendered of(WireError error, String requestId) {
            return new Rendered(error.status(), error.headers(), error.body(requestId));
        }

        Rendered masked(String requestId) {
            return new Rendered(status, headers, body.replace(requestId, MASK));
        }
    }

    static Stream<DenialReason> evidenceAndPolicyReasons() {
        return Arrays.stream(DenialReason.values())
                .filter(r -> r.category() != DenialReason.Category.REQUEST);
    }

    static Stream<DenialReason> requestReasons() {
        return Arrays.stream(DenialReason.values())
                .filter(r -> r.category() == DenialReason.Category.REQUEST);
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("body is not JSON: " + body, e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evidenceAndPolicyReasons")
    void ofWhenEvidenceOrPolicyReasonThenRendersByteIdenticalToBadSignature(DenialReason reason) {
        // The no-oracle contract: a policy refusal looks exactly like a bad signature.
        String idOne = RequestIds.next();
        String idTwo = RequestIds.next();
        Rendered badSignature = Rendered.of(OAuthErrors.of(DenialReason.BAD_SIGNATURE), idOne);
        Rendered rendered = Rendered.of(OAuthErrors.of(reason), idTwo);

        assertThat(rendered.body()).hasSameSizeAs(badSignature.body());
        assertThat(rendered.masked(idTwo)).isEqualTo(badSignature.masked(idOne));
        assertThat(rendered.status()).isEqualTo(400);
        JsonNode body = json(rendered.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("error_description").asText()).isEqualTo(OAuthErrors.REFUSED);
        assertThat(body.get("request_id").asText()).isEqualTo(idTwo);
    }

    @Test
    void ofWhenEvidenceAndPolicyReasonsThenAllBodiesAreTheSameBytes() {
        String requestId = RequestIds.next();

        var bodies = new HashSet<String>();
        var headers = new HashSet<Map<String, String>>();
        evidenceAndPolicyReasons().forEach(reason -> {
            bodies.add(OAuthErrors.of(reason).body(requestId));
            headers.add(OAuthErrors.of(reason).headers());
        });

        assertThat(bodies).hasSize(1);
        assertThat(headers).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestReasons")
    void ofWhenRequestReasonThenHasItsOwnConstantDescription(DenialReason reason) {
        WireError error = OAuthErrors.of(reason);

        assertThat(error.description()).isNotEqualTo(OAuthErrors.REFUSED).isNotBlank();
        assertThat(OAuthErrors.of(reason)).isEqualTo(error);
        assertThat(error.error()).isIn("invalid_request", "unsupported_grant_type");
        assertThat(error.retryAfterSeconds()).isNull();
    }

    @Test
    void ofWhenRequestReasonsThenEachDescriptionIsDistinct() {
        List<String> descriptions = requestReasons()
                .map(reason -> OAuthErrors.of(reason).description()).toList();

        assertThat(descriptions).doesNotHaveDuplicates();
    }

    @Test
    void ofWhenRequestReasonsThenStatusesAndCodesFollowRfc6749() {
        assertThat(OAuthErrors.of(DenialReason.UNSUPPORTED_GRANT_TYPE).error())
                .isEqualTo("unsupported_grant_type");
        assertThat(OAuthErrors.of(DenialReason.REQUEST_TOO_LARGE).status()).isEqualTo(413);
        assertThat(OAuthErrors.of(DenialReason.NOT_FOUND).status()).isEqualTo(404);
        assertThat(OAuthErrors.of(DenialReason.METHOD_NOT_ALLOWED).status()).isEqualTo(405);
        requestReasons().filter(r -> r != DenialReason.REQUEST_TOO_LARGE
                && r != DenialReason.NOT_FOUND && r != DenialReason.METHOD_NOT_ALLOWED)
                .forEach(reason ->
                assertThat(OAuthErrors.of(reason).status()).as("%s", reason).isEqualTo(400));
        requestReasons().filter(r -> r != DenialReason.UNSUPPORTED_GRANT_TYPE).forEach(reason ->
                assertThat(OAuthErrors.of(reason).error()).as("%s", reason)
                        .isEqualTo("invalid_request"));
    }

    @Test
    void ofWhenTransientFailureThenIs503WithRetryAfter() {
        WireError error = OAuthErrors.of(FailureKind.TRANSIENT);
        String requestId = RequestIds.next();

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(error.headers()).containsEntry("Retry-After",
                String.valueOf(OAuthErrors.RETRY_AFTER_SECONDS));
        assertThat(json(error.body(requestId)).get("error").asText())
                .isEqualTo("temporarily_unavailable");
    }

    @Test
    void ofWhenPermanentFailureThenIs500WithoutRetryAfter() {
        WireError error = OAuthErrors.of(FailureKind.PERMANENT);

        assertThat(error.status()).isEqualTo(500);
        assertThat(error.error()).isEqualTo("server_error");
        assertThat(error.headers()).doesNotContainKey("Retry-After");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DenialReason.class)
    void ofWhenAnyReasonThenHeadersForbidCachingAndDeclareJson(DenialReason reason) {
        assertThat(OAuthErrors.of(reason).headers())
                .containsEntry("Content-Type", "application/json;charset=UTF-8")
                .containsEntry("Cache-Control", "no-store")
                .containsEntry("Pragma", "no-cache");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DenialReason.class)
    void ofWhenAnyReasonThenBodyIsJsonWithExactlyThreeMembersAndNoReasonName(DenialReason reason) {
        String requestId = RequestIds.next();
        JsonNode body = json(OAuthErrors.of(reason).body(requestId));

        var members = new HashSet<String>();
        body.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactlyInAnyOrder("error", "error_description", "request_id");
        // The precise reason is an audit value, never a wire value.
        assertThat(body.get("error_description").asText().toLowerCase(Locale.ROOT))
                .doesNotContain(reason.code()).doesNotContain(reason.code().replace('_', ' '));
    }

    @Test
    void ofWhenRefusedThenDescriptionNamesNoCheckNoPolicyAndNothingFromInput() {
        String description = OAuthErrors.REFUSED.toLowerCase(Locale.ROOT);

        assertThat(TELLTALES).noneMatch(description::contains);
        Stream.of(FailureKind.values()).map(OAuthErrors::of).forEach(error ->
                assertThat(TELLTALES).noneMatch(error.description().toLowerCase(Locale.ROOT)
                        ::contains));
    }

    @Test
    void ofWhenAnyReasonOrFailureThenDescriptionIsAConstantOfTheClass() {
        // Descriptions depend on the enum value only: OAuthErrors takes no request input at all,
        // so nothing a caller sent can appear in one.
        Stream.concat(Arrays.stream(DenialReason.values()).map(OAuthErrors::of),
                Arrays.stream(FailureKind.values()).map(OAuthErrors::of)).forEach(error ->
                assertThat(error.description()).doesNotContain("\"").doesNotContain("\\")
                        .doesNotContain("\n").matches("[A-Z].*\\."));
    }

    @Test
    void nextWhenCalledThenRequestIdsHaveFixedLengthAndDiffer() {
        var ids = new HashSet<String>();
        for (int i = 0; i < 100; i++) {
            String id = RequestIds.next();
            assertThat(id).hasSize(RequestIds.LENGTH).matches("[0-9a-f]+");
            ids.add(id);
        }

        assertThat(ids).hasSize(100);
    }
}
