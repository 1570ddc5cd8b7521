// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.model.AttributeValue;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.VendingFailure;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * STS's answer to {@code GetCallerIdentity}
 * (<a href="https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html">API
 * reference</a>), parsed strictly: no DTD, no external entities or XInclude, the STS namespace,
 * exactly one {@code Account}, {@code Arn} and {@code UserId}, and an ARN of a known shape.
 *
 * @param account the 12-digit account id
 * @param arn the caller's ARN
 * @param principalType {@code assumed-role}, {@code user} or {@code root}
 * @param principalId the role's or user's unique id ({@code AROA…}, {@code AIDA…})
 * @param roleName the role name of an assumed role, else empty
 * @param sessionName the session name of an assumed role, else empty
 */
record CallerIdentity(String account, String arn, String principalType, String principalId,
        String roleName, String sessionName) {

    static final String NAMESPACE = StsXml.NAMESPACE;
    /** The role name of the EC2 instance identity role; customers can not create it. */
    static final String INSTANCE_ROLE = "aws:ec2-instance";
    private static final Pattern ASSUMED = Pattern.compile(
            "arn:aws(-us-gov|-cn)?:sts::([0-9]{12}):assumed-role/([\\w+=,.@:-]{1,64})"
                    + "/([\\w+=,.@-]{2,64})");
    private static final Pattern USER = Pattern.compile(
            "arn:aws(-us-gov|-cn)?:iam::([0-9]{12}):user/(?:[\\w+=,.@/-]*/)?([\\w+=,.@-]{1,64})");
    private static final Pattern ROOT =
            Pattern.compile("arn:aws(-us-gov|-cn)?:iam::([0-9]{12}):root");
    private static final Pattern UNIQUE_ID = Pattern.compile("[A-Z0-9]{16,128}");

    static CallerIdentity parse(byte[] xml) {
        Element result = result(document(xml));
        String account = single(result, "Account");
        String arn = single(result, "Arn");
        String userId = single(result, "UserId");
        return identify(account, arn, userId);
    }

    private static CallerIdentity identify(String account, String arn, String userId) {
        Matcher assumed = ASSUMED.matcher(arn);
        if (assumed.matches() && assumed.group(2).equals(account)
                && INSTANCE_ROLE.equals(assumed.group(3))) {
            // The EC2 instance identity role has no role id: STS answers
            // UserId "<account>:aws:ec2-instance:<instance id>".
            if (!userId.equals(account + ":" + INSTANCE_ROLE + ":" + assumed.group(4))) {
                throw unexpected("instance identity role UserId does not fit the ARN");
            }
            return new CallerIdentity(account, arn, "assumed-role",
                    INSTANCE_ROLE + ":" + assumed.group(4), INSTANCE_ROLE, assumed.group(4));
        }
        if (assumed.matches() && assumed.group(2).equals(account)) {
            int colon = userId.indexOf(':');
            String roleId = colon < 0 ? "" : userId.substring(0, colon);
            if (!UNIQUE_ID.matcher(roleId).matches()
                    || !userId.substring(colon + 1).equals(assumed.group(4))) {
                throw unexpected("assumed-role UserId does not fit the ARN");
            }
            return new CallerIdentity(account, arn, "assumed-role", roleId, assumed.group(3),
                    assumed.group(4));
        }
        Matcher user = USER.matcher(arn);
        if (user.matches() && user.group(2).equals(account)
                && UNIQUE_ID.matcher(userId).matches()) {
            return new CallerIdentity(account, arn, "user", userId, "", "");
        }
        Matcher root = ROOT.matcher(arn);
        if (root.matches() && root.group(2).equals(account)) {
            return new CallerIdentity(account, arn, "root", account, "", "");
        }
        throw new DenialException(DenialReason.UNSUPPORTED_TOKEN_FORM,
                "STS answer: principal of an unsupported kind, or of another account");
    }

    /** The attributes a policy may pin. */
    Map<String, AttributeValue> attributes() {
        var out = new LinkedHashMap<String, AttributeValue>();
        out.put("account", new AttributeValue.Str(account));
        out.put("arn", new AttributeValue.Str(arn));
        out.put("principal_type", new AttributeValue.Str(principalType));
        out.put("principal_id", new AttributeValue.Str(principalId));
        if (!roleName.isEmpty()) {
            out.put("role_name", new AttributeValue.Str(roleName));
            out.put("session_name", new AttributeValue.Str(sessionName));
        }
        return out;
    }

    private static Document document(byte[] xml) {
        try {
            return StsXml.parse(xml);
        } catch (SAXException | IOException e) {
            throw unexpected("STS answer is not well-formed XML without a DTD");
        }
    }

    private static Element result(Document document) {
        Element root = document.getDocumentElement();
        if (!NAMESPACE.equals(root.getNamespaceURI())
                || !"GetCallerIdentityResponse".equals(root.getLocalName())) {
            throw unexpected("not a GetCallerIdentityResponse");
        }
        NodeList results = root.getElementsByTagNameNS(NAMESPACE, "GetCallerIdentityResult");
        if (results.getLength() != 1) {
            throw unexpected("GetCallerIdentityResult count is not 1");
        }
        return (Element) results.item(0);
    }

    private static String single(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagNameNS(NAMESPACE, name);
        if (nodes.getLength() != 1) {
            throw unexpected(name + " count is not 1");
        }
        return nodes.item(0).getTextContent().strip();
    }

    /** STS answered 200 with something Vend can not read: fail closed, as Vend's failure. */
    private static VendingFailure unexpected(String detail) {
        return VendingFailure.permanent("STS answer: " + detail, null);
    }
}
