// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static dev.vend.verify.VerifyAssertions.assertDenied;
import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.verify.DenialReason;
import dev.vend.verify.FailureKind;
import dev.vend.verify.aws.StsReplies.Kind;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How Vend reads STS's answers to the IAM proof's {@code GetCallerIdentity}: by status and error
 * code, so that throttling, which STS's query protocol answers with HTTP 400, is an outage and
 * not a refused proof (regression: a throttled STS refused genuine proofs as bad signatures).
 */
class StsRepliesTest {

    /** An STS error message as real ones look; it must never reach a failure or denial. */
    private static final String MESSAGE = "User: arn:aws:sts::123456789012:assumed-role/"
            + "deployer/build-42 is not authorized";

    @ParameterizedTest(name = "HTTP {0} {1} → {2}")
    @CsvSource(nullValues = "-", value = {
        // Throttling and service faults: the same proof may succeed later.
        "400, Throttling, OUTAGE",
        "400, ThrottlingException, OUTAGE",
        "400, RequestLimitExceeded, OUTAGE",
        "429, TooManyRequestsException, OUTAGE",
        "503, ServiceUnavailable, OUTAGE",
        "500, InternalFailure, OUTAGE",
        "429, -, OUTAGE",
        "500, -, OUTAGE",
        "502, -, OUTAGE",
        "504, SomethingNew, OUTAGE",
        // The signature, the caller's credentials or rights refused.
        "403, InvalidClientTokenId, REFUSAL",
        "403, SignatureDoesNotMatch, REFUSAL",
        "400, IncompleteSignature, REFUSAL",
        "400, ExpiredToken, REFUSAL",
        "400, RequestExpired, REFUSAL",
        "403, AccessDenied, REFUSAL",
        "403, MissingAuthenticationToken, REFUSAL",
        "403, OptInRequired, REFUSAL",
        "500, SignatureDoesNotMatch, REFUSAL",
        // An error STS does not call transient fails closed.
        "400, -, REFUSAL",
        "403, -, REFUSAL",
        "400, SomethingNew, REFUSAL",
        // Neither an answer nor an error.
        "200, -, ANSWER",
        "204, -, UNEXPECTED",
        "302, -, UNEXPECTED",
        "302, Throttling, UNEXPECTED",
        "100, -, UNEXPECTED"
    })
    void kindOfWhenStatusAndCodeThenReadAsStsMeansThem(int status, @Nullable String code,
            Kind expected) {
        assertThat(StsReplies.kindOf(status, code)).isEqualTo(expected);
    }

    @Test
    void errorCodeWhenStsErrorResponseThenItsCode() {
        assertThat(StsReplies.errorCode(error("Throttling"))).isEqualTo("Throttling");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "",
        "<html><body>503 Service Temporarily Unavailable</body></html>",
        "{\"__type\":\"Throttling\"}",
        "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>",
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Code>Throttling"
                + "</Code></ErrorResponse>",
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Code>A</Code>"
                + "<Code>Throttling</Code></Error></ErrorResponse>",
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Code>"
                + "Throttling; rm -rf</Code></Error></ErrorResponse>",
        "<!DOCTYPE e [<!ENTITY c \"Throttling\">]><ErrorResponse "
                + "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Code>&c;</Code>"
                + "</Error></ErrorResponse>"
    })
    void errorCodeWhenBodyIsNoStrictStsErrorResponseThenNone(String body) {
        assertThat(StsReplies.errorCode(body.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void answerOfWhenThrottledWithHttp400ThenTransientNamingTheCodeOnly() {
        var failure = assertFailure(() -> StsReplies.answerOf(reply(400, "Throttling")),
                FailureKind.TRANSIENT);

        assertThat(failure.getMessage()).isEqualTo("STS unavailable: HTTP 400 Throttling")
                .doesNotContain("123456789012");
    }

    @Test
    void answerOfWhenSignatureRefusedThenBadSignatureNamingTheCodeOnly() {
        var denial = assertDenied(() -> StsReplies.answerOf(reply(403, "SignatureDoesNotMatch")),
                DenialReason.BAD_SIGNATURE);

        assertThat(denial.detail()).contains("HTTP 403 SignatureDoesNotMatch")
                .doesNotContain("123456789012");
    }

    @Test
    void answerOfWhenRedirectedThenPermanent() {
        assertFailure(() -> StsReplies.answerOf(new AwsVerifierConfig.StsReply(302, new byte[0])),
                FailureKind.PERMANENT);
    }

    @Test
    void answerOfWhenOkThenTheBodyAsSent() {
        byte[] body = "<GetCallerIdentityResponse/>".getBytes(StandardCharsets.UTF_8);

        assertThat(StsReplies.answerOf(new AwsVerifierConfig.StsReply(200, body)))
                .isSameAs(body);
    }

    private static AwsVerifierConfig.StsReply reply(int status, String code) {
        return new AwsVerifierConfig.StsReply(status, error(code));
    }

    /** An error answer as STS's query protocol writes it. */
    private static byte[] error(String code) {
        return ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                + "<Type>Sender</Type><Code>" + code + "</Code><Message>" + MESSAGE
                + "</Message></Error><RequestId>6b0a8f3e-0000-4000-8000-000000000000</RequestId>"
                + "</ErrorResponse>").getBytes(StandardCharsets.UTF_8);
    }
}
