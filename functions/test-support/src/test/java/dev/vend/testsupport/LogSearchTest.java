// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log search must not pass vacuously: each leak it exists for is caught. */
class LogSearchTest {

    @Test
    void assertNoneInWhenSixteenCharactersOfASignatureLeakThenFails() {
        String token = TestTokens.signedWith(TestKeys.rsa2048()).subject("s").sign();
        String signature = token.split("\\.")[2];
        String leak = "{\"note\":\"" + signature.substring(5, 21) + "\"}";

        assertThat(catchThrowable(() -> LogSearch.assertNoneIn(leak,
                LogSearch.jwsParts(token), List.of()))).isInstanceOf(AssertionError.class)
                .hasMessageNotContaining(signature.substring(5, 21));
        assertThat(catchThrowable(() -> LogSearch.assertNoneIn(signature.substring(5, 20),
                LogSearch.jwsParts(token), List.of()))).isNull();
    }

    @Test
    void assertNoneInWhenSignatureLeaksInAnotherEncodingThenFails() {
        String token = TestTokens.signedWith(TestKeys.ecP256()).subject("s").sign();
        byte[] signature = Base64.getUrlDecoder().decode(token.split("\\.")[2]);

        for (String leak : List.of(Base64.getEncoder().encodeToString(signature),
                HexFormat.of().formatHex(signature))) {
            assertThat(catchThrowable(() -> LogSearch.assertNoneIn("x" + leak.substring(2, 18),
                    LogSearch.jwsParts(token), List.of()))).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void assertNoneInWhenBase64LeaksAcrossALineBreakOrAsHexThenFails() {
        byte[] der = "a PKCS7 signed-data, long enough for several windows of 16"
                .getBytes(StandardCharsets.UTF_8);
        String mime = Base64.getMimeEncoder(16, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        String joined = mime.replace("\n", "");
        List<String> parts = LogSearch.base64Parts(mime);

        for (String leak : List.of(joined.substring(10, 26),
                HexFormat.of().formatHex(der).substring(3, 19),
                Base64.getUrlEncoder().encodeToString(der).substring(20, 36))) {
            assertThat(catchThrowable(() -> LogSearch.assertNoneIn(leak, parts, List.of())))
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void assertNoneInWhenOnlyAnExemptValueMatchesThenPasses() {
        String hex = "0123456789abcdef0123456789abcdef";

        assertThat(catchThrowable(() -> LogSearch.assertNoneIn("{\"account\":\"" + hex + "\"}",
                LogSearch.hexParts(hex), List.of(hex)))).isNull();
        assertThat(catchThrowable(() -> LogSearch.assertNoneIn("{\"note\":\"" + hex + "\"}",
                LogSearch.hexParts(hex), List.of()))).isInstanceOf(AssertionError.class);
    }
}
