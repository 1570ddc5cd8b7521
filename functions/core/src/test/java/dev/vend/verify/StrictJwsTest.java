// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import dev.vend.testsupport.TestKeys;
import dev.vend.testsupport.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJwsTest {

    private static final String ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final String HEADER = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    private static final String SIG = TestJws.b64("not checked here");

    @Test
    void parseWhenWellFormedThenSplitsHeaderClaimsAndSigningInput() {
        String token = TestTokens.signedWith(TestKeys.ecP256()).issuer("https://i.example")
                .subject("svc-a").claim("n", 5).sign();
        String[] parts = token.split("\\.");

        StrictJws jws = StrictJws.parse(token);

        assertThat(jws.headerString("alg")).isEqualTo("ES256");
        assertThat(jws.claimString("iss")).isEqualTo("https://i.example");
        assertThat(jws.claimString("n")).as("not a string").isNull();
        assertThat(jws.claimString("absent")).isNull();
        assertThat(jws.signingInput())
                .isEqualTo((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(jws.signature()).hasSize(64);
        assertThat(jws.compact()).isEqualTo(token);
    }

    // ---- canonical base64url

    static Stream<Arguments> segments() {
        return Stream.of(Arguments.of("header", 0), Arguments.of("claims", 1),
                Arguments.of("signature", 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("segments")
    void parseWhenSegmentHasNonZeroTrailingBitsThenDeniesMalformedToken(String name, int index) {
        String[] parts = tokenWithPaddingBitsInEverySegment().split("\\.");
        String original = parts[index];
        parts[index] = flipLastPaddingBit(original);
        // Lenient decoders read both spellings as the same bytes: one token, two spellings.
        assertThat(Base64URL.from(parts[index]).decode())
                .isEqualTo(Base64URL.from(original).decode());

        assertDenied(() -> StrictJws.parse(String.join(".", parts)), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenSegmentLengthIsOneMoreThanMultipleOfFourThenDeniesMalformedToken() {
        String token = TestJws.b64(HEADER) + "." + TestJws.b64("{}") + "A." + SIG;

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"=", "+", "/", " ", "\t", "%", "*", "."})
    void parseWhenSegmentHasCharacterOutsideBase64UrlThenDeniesMalformedToken(String bad) {
        String token = TestJws.b64(HEADER) + "." + TestJws.b64("{\"sub\":\"a\"}") + bad + "."
                + SIG;

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    // ---- duplicate members

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"alg\":\"RS256\",\"alg\":\"none\"}",
        "{\"alg\":\"RS256\",\"kid\":\"a\",\"kid\":\"b\"}",
        "{\"alg\":\"RS256\",\"\\u0061lg\":\"none\"}",
    })
    void parseWhenHeaderRepeatsMemberThenDeniesMalformedToken(String header) {
        String token = TestJws.compact(header, "{\"sub\":\"a\"}", SIG);

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"sub\":\"a\",\"sub\":\"b\"}",
        "{\"iss\":\"https://a.example\",\"aud\":\"x\",\"iss\":\"https://b.example\"}",
        "{\"sub\":\"a\",\"s\\u0075b\":\"b\"}",
        "{\"x\":{\"a\":1,\"a\":2}}",
    })
    void parseWhenClaimsRepeatMemberThenDeniesMalformedToken(String claims) {
        String token = TestJws.compact(HEADER, claims, SIG);

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    // ---- JSON shape

    @ParameterizedTest(name = "claims <{0}>")
    @ValueSource(strings = {"[]", "\"text\"", "null", "1", "{\"a\":1} {\"b\":2}", "{\"a\":1}x",
        "{\"a\":1,}", "{'a':1}", "{\"a\":NaN}", "", "{\"a\":01}"})
    void parseWhenClaimsAreNotOneStrictJsonObjectThenDeniesMalformedToken(String claims) {
        String token = TestJws.compact(HEADER, claims, SIG);

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenNestingAtLimitThenAcceptedAndOneDeeperDenied() {
        String atLimit = nested(StrictJws.MAX_DEPTH);
        String tooDeep = nested(StrictJws.MAX_DEPTH + 1);

        assertThat(StrictJws.parse(TestJws.compact(HEADER, atLimit, SIG)).claims()).isNotNull();
        assertDenied(() -> StrictJws.parse(TestJws.compact(HEADER, tooDeep, SIG)),
                DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenNumberHasMoreThanFortyDigitsThenDeniesMalformedToken() {
        String token = TestJws.compact(HEADER, "{\"exp\":" + "9".repeat(41) + "}", SIG);

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    // A short exponent is a number a billion digits long, or one the JDK can not hold at all.
    @ParameterizedTest(name = "exp {0}")
    @ValueSource(strings = {"1e999999999", "1e9999999999", "0e99999999999999999999", "1e-1001"})
    void parseWhenNumberHasAHugeExponentThenDeniesMalformedToken(String number) {
        String token = TestJws.compact(HEADER, "{\"exp\":" + number + "}", SIG);

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    // Written out again, half a pair becomes '?': svc-a\ud800 and svc-a\udfff would be one sub.
    @ParameterizedTest(name = "claims <{0}>")
    @ValueSource(strings = {"{\"sub\":\"svc-a\\ud800\"}", "{\"sub\":\"svc-a\\udfff\"}",
        "{\"s\\ud800ub\":\"x\"}"})
    void parseWhenAStringHoldsHalfASurrogatePairThenDeniesMalformedToken(String claims) {
        String token = TestJws.compact(HEADER, claims, SIG);

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenHeaderIsInvalidUtf8ThenDeniesMalformedToken() {
        byte[] header = {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'};
        String token = TestJws.b64(header) + "." + TestJws.b64("{}") + "." + SIG;

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenOverlongUtf8EncodingThenDeniesMalformedToken() {
        // 0xC0 0xAF is an overlong '/', which lenient decoders turn into a path separator.
        byte[] claims = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        String token = TestJws.b64(HEADER) + "." + TestJws.b64(claims) + "." + SIG;

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    // ---- form and size

    @Test
    void parseWhenFiveSegmentsThenDeniesUnsupportedTokenForm() {
        String token = TestJws.b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + "..iv.ct.tag";

        assertDenied(() -> StrictJws.parse(token), DenialReason.UNSUPPORTED_TOKEN_FORM);
    }

    @ParameterizedTest(name = "{0} segments")
    @ValueSource(ints = {1, 2, 4, 6})
    void parseWhenNotThreeOrFiveSegmentsThenDeniesMalformedToken(int count) {
        String token = String.join(".", java.util.Collections.nCopies(count, TestJws.b64("{}")));

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenSignatureSegmentEmptyThenDeniesMalformedToken() {
        String token = TestJws.b64(HEADER) + "." + TestJws.b64("{}") + ".";

        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenLongerThanCapThenDeniedBeforeSplitting() {
        // Over the cap, even a five-segment JWE is refused as too long: nothing is split.
        String token = "a".repeat(StrictJws.MAX_LENGTH - 4) + ".b.c.d.e";

        assertThat(token).hasSize(StrictJws.MAX_LENGTH + 4);
        assertDenied(() -> StrictJws.parse(token), DenialReason.MALFORMED_TOKEN);
    }

    @Test
    void parseWhenJustUnderCapThenParsed() {
        String token = TestJws.compact(HEADER, "{\"pad\":\"" + "x".repeat(8_000) + "\"}", SIG);

        assertThat(token.length()).isLessThanOrEqualTo(StrictJws.MAX_LENGTH);
        assertThat(StrictJws.parse(token).claimString("pad")).hasSize(8_000);
    }

    // ---- helpers

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    /** A token each of whose segments ends in a character carrying unused bits. */
    private static String tokenWithPaddingBitsInEverySegment() {
        for (int headerPad = 0; headerPad < 4; headerPad++) {
            for (int claimPad = 0; claimPad < 4; claimPad++) {
                String token = TestTokens.signedWith(TestKeys.ecP256()).subject("svc-a")
                        .header("pad", "x".repeat(headerPad))
                        .claim("pad", "x".repeat(claimPad)).sign();
                boolean everyOneHasBits = Stream.of(token.split("\\."))
                        .allMatch(segment -> segment.length() % 4 != 0);
                if (everyOneHasBits) {
                    return token;
                }
            }
        }
        throw new IllegalStateException("no padding length gave unused bits in every segment");
    }

    /** The same bytes spelt with the last unused bit set: valid to a lenient decoder. */
    private static String flipLastPaddingBit(String segment) {
        char last = segment.charAt(segment.length() - 1);
        int value = ALPHABET.indexOf(last) ^ 1;
        return segment.substring(0, segment.length() - 1) + ALPHABET.charAt(value);
    }
}
