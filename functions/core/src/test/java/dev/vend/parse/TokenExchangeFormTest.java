// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenExchangeFormTest {

    private static final String REQUEST_ID = "0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    private static final String GRANT = "grant_type=" + enc(TokenExchangeForm.GRANT_TYPE);
    private static final String SUBJECT = "subject_token=" + TOKEN;
    private static final String TYPE = "subject_token_type=" + enc(TokenTypes.JWT);
    private static final String MINIMAL = GRANT + "&" + SUBJECT + "&" + TYPE;

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static TokenRequest parse(String body) {
        return TokenExchangeForm.parse(body, REQUEST_ID);
    }

    /** Checks the type and the reason of a refusal (STYLE 4.9). */
    private static void assertDenied(String body, DenialReason reason) {
        Throwable thrown = catchThrowable(() -> parse(body));
        assertThat(thrown).as("body %s", body).isInstanceOf(DenialException.class);
        assertThat(((DenialException) thrown).reason()).isEqualTo(reason);
        assertThat(reason.category()).isEqualTo(DenialReason.Category.REQUEST);
    }

    @Test
    void parseWhenMinimalRequestThenReadsTokenAndType() {
        TokenRequest request = parse(MINIMAL);

        assertThat(request.requestId()).isEqualTo(REQUEST_ID);
        assertThat(request.attestation().value()).isEqualTo(TOKEN);
        assertThat(request.attestation().tokenType()).isEqualTo(TokenTypes.JWT);
        assertThat(request.audiences()).isEmpty();
        assertThat(request.scopes()).isEmpty();
        assertThat(request.requestedTokenType()).isNull();
        assertThat(request.requestedTokenTypeOrDefault()).isEqualTo(TokenTypes.ACCESS_TOKEN);
    }

    @Test
    void parseWhenEveryParameterGivenInAnyOrderThenReadsThemAll() {
        String body = String.join("&", "scope=read+deploy", "audience=" + enc("https://a.test"),
                TYPE, "requested_token_type=" + enc(TokenTypes.ACCESS_TOKEN), SUBJECT, GRANT);

        TokenRequest request = parse(body);

        assertThat(request.audiences()).containsExactly("https://a.test");
        assertThat(request.scopes()).containsExactlyInAnyOrder("read", "deploy");
        assertThat(request.requestedTokenType()).isEqualTo(TokenTypes.ACCESS_TOKEN);
    }

    @Test
    void parseWhenIdTokenTypeThenAccepts() {
        assertThat(parse(MINIMAL.replace(enc(TokenTypes.JWT), enc(TokenTypes.ID_TOKEN)))
                .attestation().tokenType()).isEqualTo(TokenTypes.ID_TOKEN);
    }

    @Test
    void parseWhenAwsCredentialsRequestedThenKeepsTheRequestedType() {
        TokenRequest request = parse(MINIMAL + "&requested_token_type="
                + enc(TokenTypes.AWS_CREDENTIALS));

        assertThat(request.requestedTokenType()).isEqualTo(TokenTypes.AWS_CREDENTIALS);
    }

    static Stream<Arguments> missingParameters() {
        return Stream.of(
                Arguments.of("no grant_type", SUBJECT + "&" + TYPE),
                Arguments.of("no subject_token", GRANT + "&" + TYPE),
                Arguments.of("no subject_token_type", GRANT + "&" + SUBJECT),
                Arguments.of("empty body", ""),
                Arguments.of("empty grant_type", "grant_type=&" + SUBJECT + "&" + TYPE),
                Arguments.of("empty subject_token", GRANT + "&subject_token=&" + TYPE),
                Arguments.of("subject_token without =", GRANT + "&subject_token&" + TYPE),
                Arguments.of("empty subject_token_type", GRANT + "&" + SUBJECT
                        + "&subject_token_type="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missingParameters")
    void parseWhenRequiredParameterMissingOrEmptyThenDeniesMissingParameter(String name,
            String body) {
        // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
        assertDenied(body, DenialReason.MISSING_PARAMETER);
    }

    static Stream<Arguments> repeatedParameters() {
        return Stream.of(
                Arguments.of("grant_type twice", MINIMAL + "&" + GRANT),
                Arguments.of("subject_token twice", MINIMAL + "&subject_token=other"),
                Arguments.of("subject_token twice, once empty", MINIMAL + "&subject_token="),
                Arguments.of("subject_token_type twice", MINIMAL + "&" + TYPE),
                Arguments.of("scope twice", MINIMAL + "&scope=a&scope=b"),
                Arguments.of("requested_token_type twice", MINIMAL + "&requested_token_type=x"
                        + "&requested_token_type=y"),
                Arguments.of("same name spelled with an escape", MINIMAL + "&subject%5Ftoken=x"),
                Arguments.of("an unknown parameter twice", MINIMAL + "&foo=1&foo=2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repeatedParameters")
    void parseWhenParameterRepeatedThenDeniesRepeatedParameter(String name, String body) {
        assertDenied(body, DenialReason.REPEATED_PARAMETER);
    }

    @Test
    void parseWhenAudienceAndResourceRepeatedThenMergesThemInOrder() {
        // RFC 8693 §2.1: audience and resource may repeat; Vend treats resource as audience.
        String body = MINIMAL + "&audience=" + enc("https://a.test") + "&resource="
                + enc("https://r.test") + "&audience=" + enc("https://b.test")
                + "&resource=" + enc("https://a.test");

        assertThat(parse(body).audiences())
                .containsExactly("https://a.test", "https://b.test", "https://r.test");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"&audience=", "&resource=", "&audience=x&audience="})
    void parseWhenAudienceOrResourceEmptyThenDeniesMalformedRequest(String suffix) {
        assertDenied(MINIMAL + suffix, DenialReason.MALFORMED_REQUEST);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"&actor_token=abc", "&actor_token_type=" + "urn%3Ax",
            "&actor_token=", "&actor_token=abc&actor_token_type=urn%3Ax"})
    void parseWhenActorTokenGivenThenDeniesActorTokenNotSupported(String suffix) {
        assertDenied(MINIMAL + suffix, DenialReason.ACTOR_TOKEN_NOT_SUPPORTED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"urn:ietf:params:oauth:token-type:access_token",
            "urn:ietf:params:oauth:token-type:saml2", "JWT", "urn:ietf:params:oauth:token-type:JWT",
            "urn:ietf:params:oauth:token-type:jwt "})
    void parseWhenSubjectTokenTypeUnknownThenDeniesUnsupportedSubjectTokenType(String type) {
        assertDenied(GRANT + "&" + SUBJECT + "&subject_token_type=" + enc(type),
                DenialReason.UNSUPPORTED_SUBJECT_TOKEN_TYPE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"urn:ietf:params:oauth:token-type:jwt",
            "urn:ietf:params:oauth:token-type:refresh_token", "aws"})
    void parseWhenRequestedTokenTypeUnsupportedThenDenies(String type) {
        assertDenied(MINIMAL + "&requested_token_type=" + enc(type),
                DenialReason.UNSUPPORTED_REQUESTED_TOKEN_TYPE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"authorization_code", "client_credentials",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "urn:ietf:params:oauth:grant-type:token-exchange ",
            "URN:IETF:PARAMS:OAUTH:GRANT-TYPE:TOKEN-EXCHANGE"})
    void parseWhenGrantTypeUnsupportedThenDeniesUnsupportedGrantType(String grant) {
        assertDenied("grant_type=" + enc(grant) + "&" + SUBJECT + "&" + TYPE,
                DenialReason.UNSUPPORTED_GRANT_TYPE);
    }

    static Stream<Arguments> badPercentEncodings() {
        return Stream.of(
                Arguments.of("lone percent", "%"),
                Arguments.of("one hex digit at the end", "%4"),
                Arguments.of("non-hex digits", "%zz"),
                Arguments.of("sign in an escape", "%+1"),
                Arguments.of("negative escape", "%-1"),
                Arguments.of("non-ASCII digit in an escape", "%\u0663\u0663"),
                Arguments.of("invalid UTF-8 byte", "%FF"),
                Arguments.of("truncated UTF-8 sequence", "%C3"),
                Arguments.of("overlong UTF-8 encoding", "%C0%AF"),
                Arguments.of("UTF-16 surrogate in UTF-8", "%ED%A0%80"));
    }

    @ParameterizedTest(name = "{0} in a value")
    @MethodSource("badPercentEncodings")
    void parseWhenValueHasBadPercentEncodingThenDeniesMalformedRequest(String name,
            String escape) {
        assertDenied(GRANT + "&subject_token=abc" + escape + "&" + TYPE,
                DenialReason.MALFORMED_REQUEST);
    }

    @ParameterizedTest(name = "{0} in a name")
    @MethodSource("badPercentEncodings")
    void parseWhenNameHasBadPercentEncodingThenDeniesMalformedRequest(String name,
            String escape) {
        assertDenied(MINIMAL + "&x" + escape + "=1", DenialReason.MALFORMED_REQUEST);
    }

    @Test
    void parseWhenValuesArePercentEncodedThenDecodesThem() {
        String body = MINIMAL + "&audience=https%3A%2F%2Fa.test%2Fp%C3%A9+x%2By";

        assertThat(parse(body).audiences()).containsExactly("https://a.test/pé x+y");
    }

    @Test
    void parseWhenScopeHasSeveralSpacesThenSplitsOnSpacesOnly() {
        // RFC 6749 §3.3: scope is a space-delimited list; "+" and "%20" are both spaces here.
        String body = MINIMAL + "&scope=+read++deploy%20repo%3Awrite+read+";

        assertThat(parse(body).scopes()).containsExactlyInAnyOrder("read", "deploy", "repo:write");
    }

    @Test
    void parseWhenUnknownParametersThenIgnoresThem() {
        // RFC 6749 §3.2: unrecognized request parameters are ignored.
        TokenRequest request = parse(MINIMAL + "&client_id=x&foo=&=bar");

        assertThat(request.attestation().value()).isEqualTo(TOKEN);
    }

    @Test
    void parseWhenEmptyPairsThenSkipsThem() {
        assertThat(parse("&&" + MINIMAL.replace("&", "&&") + "&").attestation().value())
                .isEqualTo(TOKEN);
    }

    @Test
    void parseWhenBodyLongerThanTheLimitThenDeniesRequestTooLarge() {
        String body = MINIMAL + "&pad=" + "a".repeat(TokenExchangeForm.MAX_BODY_BYTES);

        assertDenied(body, DenialReason.REQUEST_TOO_LARGE);
    }

    @Test
    void parseWhenBodyAtTheLimitThenParses() {
        String prefix = MINIMAL + "&pad=";
        String body = prefix + "a".repeat(TokenExchangeForm.MAX_BODY_BYTES - prefix.length());

        assertThat(parse(body).attestation().value()).isEqualTo(TOKEN);
    }

    @Test
    void parseWhenRepeatedCheckedFirstThenRepeatsWinOverOtherProblems() {
        // What the request bytes alone show, in one fixed order: repeats, grant, actor, fields.
        assertDenied("grant_type=x&grant_type=y", DenialReason.REPEATED_PARAMETER);
        assertDenied("grant_type=x&actor_token=y", DenialReason.UNSUPPORTED_GRANT_TYPE);
        assertDenied(GRANT + "&actor_token=y", DenialReason.ACTOR_TOKEN_NOT_SUPPORTED);
    }

    @Test
    void parseWhenAnyBodyThenOnlyEverThrowsRequestDenials() {
        // Arbitrary bytes never escape as anything but a REQUEST denial (no 500, no trace).
        var random = new Random(8693);
        String alphabet = "%&=+abcXYZ019_-.~:/ \u00e9\u0000\uD83D\uDE00";
        var bodies = new ArrayList<String>();
        for (int i = 0; i < 3000; i++) {
            var body = new StringBuilder(random.nextBoolean() ? MINIMAL : "");
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                body.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            bodies.add(body.toString());
        }

        for (String body : bodies) {
            assertThatCode(() -> {
                try {
                    parse(body);
                } catch (DenialException denial) {
                    assertThat(denial.reason().category()).isEqualTo(DenialReason.Category.REQUEST);
                }
            }).as("body %s", body).doesNotThrowAnyException();
        }
    }

    @Test
    void parseWhenDeniedThenDetailNeverHoldsTheSubjectToken() {
        Throwable thrown = catchThrowable(() -> parse(MINIMAL + "&subject_token=" + TOKEN));

        assertThat(((DenialException) thrown).detail()).doesNotContain(TOKEN);
        assertThat(thrown.getStackTrace()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/x-www-form-urlencoded",
            "Application/X-WWW-Form-Urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
            " application/x-www-form-urlencoded ;charset=utf-8"})
    void isFormContentTypeWhenFormTypeInAnyCaseThenTrue(String contentType) {
        assertThat(TokenExchangeForm.isFormContentType(contentType)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"application/json", "multipart/form-data", "",
            "application/x-www-form-urlencoded-evil",
            "text/plain; x=application/x-www-form-urlencoded"})
    void isFormContentTypeWhenOtherTypeThenFalse(String contentType) {
        assertThat(TokenExchangeForm.isFormContentType(contentType)).isFalse();
    }

    @Test
    void parseWhenParsedThenCollectionsAreImmutable() {
        TokenRequest request = parse(MINIMAL + "&audience=a&scope=b");

        assertThat(Stream.of(request.audiences(), request.scopes()).map(c -> {
            try {
                c.clear();
                return "mutable";
            } catch (UnsupportedOperationException e) {
                return "immutable";
            }
        }).collect(Collectors.toList())).containsOnly("immutable");
        assertThat(List.copyOf(request.audiences())).containsExactly("a");
    }
}
