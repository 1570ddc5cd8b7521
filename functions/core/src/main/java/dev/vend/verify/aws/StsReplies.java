// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.VendingFailure;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads STS's answer to a rebuilt {@code GetCallerIdentity} by its HTTP status and, for an error,
 * by the {@code Code} of its XML {@code ErrorResponse}
 * (<a href="https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html">common
 * errors</a>). The status alone misleads: the query protocol answers throttling with HTTP 400,
 * the same status as an expired or incomplete signature.
 *
 * <ul>
 *   <li><strong>Outage</strong> (transient, 503): an error whose code says STS is throttling or
 *       failing ({@link #OUTAGE_CODES}), whatever its status; else HTTP 429 or 5xx, unless the
 *       code is one of the refusals below.</li>
 *   <li><strong>Refusal of the proof</strong> ({@link DenialReason#BAD_SIGNATURE}, 400): a code
 *       that refuses the signature, the caller's credentials or the caller's rights
 *       ({@link #REFUSAL_CODES}); else any other 4xx. An error STS does not call transient is the
 *       caller's, so an unknown code fails closed as a refusal.</li>
 *   <li><strong>Vend's own fault</strong> (permanent, 500): any other status but 200.</li>
 * </ul>
 * {@code ExpiredToken} is a refusal here, unlike for Vend's own SDK calls: it is the caller's
 * session that expired, and no retry of the same proof can fix that.
 *
 * <p>The code goes into failure and denial details for operators only if it has the shape of an
 * AWS error code; STS's error message, which can name accounts and roles, is never read. Stateless
 * and thread-safe.
 */
final class StsReplies {

    /** Error codes of a throttled or failing STS: the same proof may succeed later. */
    static final Set<String> OUTAGE_CODES = Set.of(
            "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
            "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalError",
            "RequestTimeout", "RequestTimeoutException");
    /** Error codes that refuse the signed request itself, its credentials or its caller. */
    static final Set<String> REFUSAL_CODES = Set.of(
            "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature",
            "ExpiredToken", "ExpiredTokenException", "RequestExpired", "AccessDenied",
            "AccessDeniedException", "MissingAuthenticationToken", "UnrecognizedClientException",
            "InvalidSignatureException", "NotAuthorized", "OptInRequired",
            "RegionDisabledException");

    private static final Pattern CODE = Pattern.compile("[A-Za-z][A-Za-z0-9.]{0,63}");

    /** What an answer means for the proof. */
    enum Kind {
        /** HTTP 200: the caller's identity, still to be parsed. */
        ANSWER,
        /** STS refused the signed request: the proof is not accepted. */
        REFUSAL,
        /** STS is throttling or failing: retrying may help. */
        OUTAGE,
        /** Neither 200 nor an error status: Vend can not read it. */
        UNEXPECTED
    }

    private StsReplies() {
    }

    /**
     * The body of a successful answer.
     *
     * @throws VendingFailure transient for an outage, permanent for an unexpected status
     * @throws DenialException {@link DenialReason#BAD_SIGNATURE} when STS refused the request
     */
    static byte[] answerOf(AwsVerifierConfig.StsReply reply) {
        if (reply.status() == 200) {
            return reply.body();
        }
        @Nullable String code = errorCode(reply.body());
        String seen = "HTTP " + reply.status() + (code == null ? "" : " " + code);
        switch (kindOf(reply.status(), code)) {
            case OUTAGE -> throw VendingFailure.transientFailure("STS unavailable: " + seen, null);
            case REFUSAL -> throw new DenialException(DenialReason.BAD_SIGNATURE,
                    "STS refused the signed request (" + seen + ")");
            default -> throw VendingFailure.permanent("STS answered " + seen, null);
        }
    }

    /**
     * How an answer with this status and error code is read; see the class comment.
     *
     * @param code the error code, or null when the body holds none Vend can read
     */
    static Kind kindOf(int status, @Nullable String code) {
        if (status == 200) {
            return Kind.ANSWER;
        }
        if (status < 400 || status > 599) {
            return Kind.UNEXPECTED;
        }
        if (code != null && OUTAGE_CODES.contains(code)) {
            return Kind.OUTAGE;
        }
        if (code != null && REFUSAL_CODES.contains(code)) {
            return Kind.REFUSAL;
        }
        return status == 429 || status >= 500 ? Kind.OUTAGE : Kind.REFUSAL;
    }

    /**
     * The {@code Code} of an STS {@code ErrorResponse}, parsed as strictly as a successful answer;
     * null when the body is not such a document (an empty body, HTML from a load balancer) or the
     * code does not look like one.
     */
    static @Nullable String errorCode(byte[] body) {
        Element root;
        try {
            root = StsXml.parse(body).getDocumentElement();
        } catch (SAXException | IOException e) {
            return null;
        }
        if (!StsXml.NAMESPACE.equals(root.getNamespaceURI())
                || !"ErrorResponse".equals(root.getLocalName())) {
            return null;
        }
        NodeList codes = root.getElementsByTagNameNS(StsXml.NAMESPACE, "Code");
        if (codes.getLength() != 1 || !isErrorOf(root, codes.item(0).getParentNode())) {
            return null;
        }
        String code = codes.item(0).getTextContent().strip();
        return CODE.matcher(code).matches() ? code : null;
    }

    /** Whether the node is the {@code Error} element right under the root. */
    private static boolean isErrorOf(Element root, @Nullable Node parent) {
        return parent != null && parent.getParentNode() == root
                && StsXml.NAMESPACE.equals(parent.getNamespaceURI())
                && "Error".equals(parent.getLocalName());
    }
}
