// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.issue.AwsSessionRequest;
import dev.vend.issue.AwsSessionRules;
import dev.vend.model.AttributeValue;
import dev.vend.model.VerifiedIdentity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A policy's {@code issue.awsRole}: the role a workload may assume through Vend, with session
 * tags templated from verified attributes, a source identity taken from one attribute, an
 * optional session policy and a lifetime of at most one hour (role chaining). Checked against
 * STS's rules when the policy is loaded (literal values) and when a request is evaluated
 * (values from attributes): a value STS would refuse is a refusal, never a 500. Immutable and
 * thread-safe.
 *
 * @param roleArn the IAM role ARN
 * @param sessionTags tag key to value; a value {@code ${attribute}} is that verified
 *     attribute's value, any other value is literal. {@code vend:policy_id} is always added.
 * @param sourceIdentityAttribute the attribute whose value is the source identity, or null
 * @param sessionPolicy an inline session policy (JSON), or null
 * @param maxLifetime the session's duration, 900 to 3600 seconds
 */
public record AwsRole(String roleArn, Map<String, String> sessionTags,
        @Nullable String sourceIdentityAttribute, @Nullable String sessionPolicy,
        Duration maxLifetime) {

    /** A whole-value reference to a verified attribute. */
    static final Pattern TEMPLATE = Pattern.compile("\\$\\{([A-Za-z0-9_.:/-]+)}");

    public AwsRole {
        Objects.requireNonNull(roleArn, "roleArn");
        sessionTags = Map.copyOf(sessionTags);
        Objects.requireNonNull(maxLifetime, "maxLifetime");
    }

    /** The attribute a tag value refers to, if it is a template. */
    static Optional<String> attributeOf(String value) {
        Matcher m = TEMPLATE.matcher(value);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The AssumeRole request for an identity, or empty if an attribute it needs is missing or
     * its value breaks STS's rules.
     *
     * @param policyId the deciding policy, tagged as {@code vend:policy_id}
     */
    public Optional<AwsSessionRequest> sessionFor(String policyId, VerifiedIdentity identity) {
        var tags = new LinkedHashMap<String, String>();
        for (Map.Entry<String, String> tag : sessionTags.entrySet()) {
            Optional<String> value = resolve(tag.getValue(), identity);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            tags.put(tag.getKey(), value.get());
        }
        tags.put(AwsSessionRules.POLICY_ID_TAG, policyId);
        String source = null;
        if (sourceIdentityAttribute != null) {
            Optional<String> value = identity.attribute(sourceIdentityAttribute)
                    .flatMap(AwsRole::text);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            source = value.get();
        }
        var request = new AwsSessionRequest(roleArn, sessionName(policyId), tags, source,
                sessionPolicy, maxLifetime);
        return AwsSessionRules.problems(request).isEmpty() ? Optional.of(request)
                : Optional.empty();
    }

    /** {@code vend-<policy id>}, reduced to STS's session-name characters and length. */
    static String sessionName(String policyId) {
        String name = ("vend-" + policyId).replaceAll("[^\\w+=,.@-]", "_");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private static Optional<String> resolve(String template, VerifiedIdentity identity) {
        Optional<String> attribute = attributeOf(template);
        if (attribute.isEmpty()) {
            return Optional.of(template);
        }
        return identity.attribute(attribute.get()).flatMap(AwsRole::text);
    }

    /** A scalar attribute as tag text; lists have no single value. */
    private static Optional<String> text(AttributeValue value) {
        if (value instanceof AttributeValue.Str s) {
            return Optional.of(s.value());
        }
        if (value instanceof AttributeValue.Num n) {
            return Optional.of(n.value().toPlainString());
        }
        if (value instanceof AttributeValue.Bool b) {
            return Optional.of(Boolean.toString(b.value()));
        }
        return Optional.empty();
    }
}
