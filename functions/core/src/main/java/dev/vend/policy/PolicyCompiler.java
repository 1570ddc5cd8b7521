// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.issue.AwsSessionRules;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import dev.vend.parse.Fields;
import dev.vend.parse.Json;
import dev.vend.verify.ClaimSpec;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.IssuerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.erdtman.jcs.JsonCanonicalizer;
import org.jspecify.annotations.Nullable;

/**
 * Turns a policy document into a {@link Policy}, refusing every unsafe form at load time with a
 * message that names the policy and the rule. The schema is published as
 * {@code policies/policy.schema.json}; the rules here are the ones a schema can not express.
 * Thread-safe.
 */
public final class PolicyCompiler {

    /** The only policy document version this build reads. */
    public static final String API_VERSION = "vend.dev/v1";
    /** Default lifetime of issued tokens. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private static final Pattern POLICY_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    // RFC 6749 §3.3 scope-token characters.
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    private static final Set<String> FIELDS = Set.of("apiVersion", "id", "description", "issuer",
            "mode", "priority", "disabled", "conditions", "issue");
    private static final Set<String> ISSUE_FIELDS =
            Set.of("audiences", "scopes", "maxLifetimeSeconds", "carry", "awsRole");
    private static final Set<String> AWS_ROLE_FIELDS = Set.of("roleArn", "sessionTags",
            "sourceIdentity", "sessionPolicy", "maxLifetimeSeconds");
    private static final Json.Reader JSON = Json.reader();

    private final IssuerRegistry issuers;
    private final Limits limits;

    /**
     * Deployment limits policies are checked against.
     *
     * @param vendIssuerUrl Vend's own issuer URL, never an issuable audience
     * @param maxLifetime the deployment's cap on token lifetime
     */
    public record Limits(String vendIssuerUrl, Duration maxLifetime) {
    }

    /**
     * A compiler for one deployment.
     *
     * @param issuers the issuer registry policies may name
     * @param limits the deployment's limits
     */
    public PolicyCompiler(IssuerRegistry issuers, Limits limits) {
        this.issuers = issuers;
        this.limits = limits;
    }

    /**
     * Compiles one document.
     *
     * @param document the parsed YAML or JSON document
     * @param source where it came from, for messages
     * @throws PolicyException listing every problem, each prefixed with the policy and source
     */
    public Policy compile(Map<String, Object> document, String source) {
        var problems = new ArrayList<String>();
        String id = document.get("id") instanceof String s ? s : "(no id)";
        var f = new Fields(document, "policy " + id + " (" + source + ")", problems);
        f.allowOnly(FIELDS);
        if (!API_VERSION.equals(document.get("apiVersion"))) {
            f.problem("apiVersion must be " + API_VERSION);
        }
        if (!POLICY_ID.matcher(id).matches()) {
            f.problem("id must match " + POLICY_ID.pattern());
        }
        IssuerConfig issuer = readIssuer(f);
        List<Condition> conditions = readConditions(f, issuer);
        Policy policy = new Policy(id, f.optionalString("description").orElse(""),
                issuer == null ? "" : issuer.id(), readMode(f), readPriority(f),
                f.bool("disabled", false), conditions, List.of(), Set.of(),
                DEFAULT_LIFETIME, List.of(), readVersion(f, document));
        policy = readIssue(f, policy, issuer);
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return policy;
    }

    /** The issuer registry policies are compiled against. */
    public IssuerRegistry issuers() {
        return issuers;
    }

    /** The version hash: SHA-256 over the RFC 8785 canonical JSON of the document. */
    public static String versionOf(Map<String, Object> document) {
        return Attestation.sha256Hex(canonicalJson(document));
    }

    /**
     * The document's canonical JSON form (RFC 8785): the text its version hash is taken over, and
     * the form the DynamoDB policy store keeps.
     *
     * @throws IllegalArgumentException if the document holds a value JSON can not (NaN, infinity)
     */
    public static String canonicalJson(Map<String, Object> document) {
        try {
            return new JsonCanonicalizer(Json.write(document)).getEncodedString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy document is not JSON-shaped", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("policy document can not be canonicalised", e);
        }
    }

    private static String readVersion(Fields f, Map<String, Object> document) {
        try {
            return versionOf(document);
        } catch (IllegalArgumentException e) {
            // A value JSON can not hold (NaN, an infinity) leaves the document without a version.
            f.problem("the document has no canonical JSON form (RFC 8785), so no version hash");
            return "";
        }
    }

    private static int readPriority(Fields f) {
        long priority = f.integer("priority", 0);
        if (priority < Integer.MIN_VALUE || priority > Integer.MAX_VALUE) {
            f.problem("priority must be a 32-bit whole number");
            return 0;
        }
        return (int) priority;
    }

    private IssuerConfig readIssuer(Fields f) {
        String name = f.requiredString("issuer");
        IssuerConfig issuer = issuers.byId(name).orElse(null);
        if (issuer == null && !name.isEmpty()) {
            f.problem("issuer '" + name + "' is not in the issuer registry");
        }
        return issuer;
    }

    private static Policy.Mode readMode(Fields f) {
        String mode = f.optionalString("mode").orElse("enforce");
        return switch (mode) {
            case "enforce" -> Policy.Mode.ENFORCE;
            case "audit" -> Policy.Mode.AUDIT;
            default -> {
                f.problem("mode must be enforce or audit");
                yield Policy.Mode.ENFORCE;
            }
        };
    }

    private List<Condition> readConditions(Fields f, IssuerConfig issuer) {
        Map<String, Object> raw = f.mapping("conditions");
        if (raw.isEmpty()) {
            f.problem("no conditions: a policy must bind the workload's identity "
                    + "(policy_missing_subject_binding)");
            return List.of();
        }
        if (issuer == null) {
            return List.of();
        }
        Map<String, ClaimSpec> catalog = new HashMap<>();
        issuer.claimCatalog().forEach(spec -> catalog.put(spec.attribute(), spec));
        var conditions = new ArrayList<Condition>();
        for (Map.Entry<String, Object> entry : raw.entrySet()) {
            ClaimSpec spec = catalog.get(entry.getKey());
            if (spec == null) {
                f.problem("condition on '" + entry.getKey() + "', which issuer " + issuer.id()
                        + " does not provide");
                continue;
            }
            Condition.Matcher matcher = ConditionReader.read(f, spec, entry.getValue(), issuer);
            if (matcher != null) {
                conditions.add(new Condition(entry.getKey(), spec.type(), matcher));
            }
        }
        checkPinned(f, issuer, conditions);
        return conditions;
    }

    private static void checkPinned(Fields f, IssuerConfig issuer, List<Condition> conditions) {
        if (!issuer.multiTenant()) {
            return;
        }
        boolean pinned = conditions.stream().anyMatch(condition -> condition.matcher().exact()
                && issuer.pinnedClaims().contains(condition.attribute()));
        if (!pinned) {
            f.problem("issuer " + issuer.id() + " serves many tenants: pin one of "
                    + issuer.pinnedClaims() + " with an exact value");
        }
    }

    private Policy readIssue(Fields f, Policy policy, IssuerConfig issuer) {
        Fields issue = f.nested("issue");
        issue.allowOnly(ISSUE_FIELDS);
        List<String> audiences = issue.strings("audiences");
        AwsRole awsRole = issue.has("awsRole") ? readAwsRole(issue.nested("awsRole"), issuer)
                : null;
        if (audiences.isEmpty() && awsRole == null) {
            f.problem("issue.audiences must name at least one audience");
        }
        for (String audience : audiences) {
            if (isVendOrInbound(audience)) {
                f.problem("issue.audiences may not name Vend itself or an inbound audience ("
                        + audience + ")");
            }
        }
        List<String> scopes = issue.strings("scopes");
        scopes.stream().filter(scope -> !SCOPE.matcher(scope).matches()).forEach(scope ->
                f.problem("scope '" + scope + "' is not an RFC 6749 scope token"));
        Duration lifetime = Duration.ofSeconds(
                issue.integer("maxLifetimeSeconds", DEFAULT_LIFETIME.toSeconds()));
        if (lifetime.isZero() || lifetime.isNegative()
                || lifetime.compareTo(limits.maxLifetime()) > 0) {
            f.problem("issue.maxLifetimeSeconds must be between 1 and "
                    + limits.maxLifetime().toSeconds());
        }
        List<String> carry = issue.strings("carry");
        checkCarry(f, carry, issuer);
        return new Policy(policy.id(), policy.description(), policy.issuerId(), policy.mode(),
                policy.priority(), policy.disabled(), policy.conditions(), audiences,
                new LinkedHashSet<>(scopes), lifetime, carry, policy.version(), awsRole);
    }

    /**
     * Reads {@code issue.awsRole}, checking literal values against STS's rules now and template
     * references against the issuer's claim catalog; values from attributes are checked again
     * when a request is evaluated.
     */
    private static AwsRole readAwsRole(Fields role, @Nullable IssuerConfig issuer) {
        role.allowOnly(AWS_ROLE_FIELDS);
        String roleArn = role.requiredString("roleArn");
        if (!roleArn.isEmpty() && !AwsSessionRules.validRoleArn(roleArn)) {
            role.problem("issue.awsRole.roleArn must be an IAM role ARN");
        }
        long seconds = role.integer("maxLifetimeSeconds",
                AwsSessionRules.MIN_DURATION.toSeconds());
        if (seconds < AwsSessionRules.MIN_DURATION.toSeconds()
                || seconds > AwsSessionRules.MAX_CHAINED_DURATION.toSeconds()) {
            role.problem("issue.awsRole.maxLifetimeSeconds must be between 900 and 3600 (STS "
                    + "caps role-chained sessions at one hour)");
        }
        Set<String> known = new HashSet<>();
        if (issuer != null) {
            issuer.claimCatalog().forEach(spec -> known.add(spec.attribute()));
        }
        var tags = new LinkedHashMap<String, String>();
        role.mapping("sessionTags").forEach((key, raw) -> {
            String value = raw instanceof String s ? s : String.valueOf(raw);
            checkSessionTag(role, key, value, known, issuer != null);
            tags.put(key, value);
        });
        if (tags.size() + 1 > AwsSessionRules.MAX_TAGS) {
            role.problem("issue.awsRole.sessionTags: at most " + (AwsSessionRules.MAX_TAGS - 1)
                    + " tags (Vend adds " + AwsSessionRules.POLICY_ID_TAG + ")");
        }
        String source = role.optionalString("sourceIdentity").orElse(null);
        if (source != null && issuer != null && !known.contains(source)) {
            role.problem("issue.awsRole.sourceIdentity names '" + source
                    + "', which the issuer does not provide");
        }
        String sessionPolicy = role.optionalString("sessionPolicy").orElse(null);
        if (sessionPolicy != null && !isJsonObject(sessionPolicy)) {
            role.problem("issue.awsRole.sessionPolicy must be an IAM policy document (JSON)");
        }
        return new AwsRole(roleArn, tags, source, sessionPolicy, Duration.ofSeconds(seconds));
    }

    private static void checkSessionTag(Fields role, String key, String value,
            Set<String> known, boolean checkCatalog) {
        if (!AwsSessionRules.validTagKey(key)) {
            role.problem("issue.awsRole.sessionTags: key '" + key + "' breaks STS's rules "
                    + "(1-128 characters of letters, digits, spaces and _.:/=+-@; no aws:)");
        }
        if (key.equalsIgnoreCase(AwsSessionRules.POLICY_ID_TAG)) {
            role.problem("issue.awsRole.sessionTags: " + AwsSessionRules.POLICY_ID_TAG
                    + " is set by Vend");
        }
        var attribute = AwsRole.attributeOf(value);
        if (attribute.isPresent()) {
            if (checkCatalog && !known.contains(attribute.get())) {
                role.problem("issue.awsRole.sessionTags." + key + " names '" + attribute.get()
                        + "', which the issuer does not provide");
            }
        } else if (!AwsSessionRules.validTagValue(value)) {
            role.problem("issue.awsRole.sessionTags." + key + " breaks STS's rules (at most "
                    + "256 characters of letters, digits, spaces and _.:/=+-@)");
        }
    }

    private static boolean isJsonObject(String text) {
        try {
            return JSON.read(text).isObject();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether an audience names Vend (with or without a trailing slash) or is an inbound audience
     * of any registered issuer: a token minted for it could be presented back to Vend.
     */
    private boolean isVendOrInbound(String audience) {
        String bare = withoutTrailingSlash(audience);
        if (bare.equals(withoutTrailingSlash(limits.vendIssuerUrl()))) {
            return true;
        }
        return issuers.entries().stream().flatMap(entry -> entry.audiences().stream())
                .anyMatch(inbound -> withoutTrailingSlash(inbound).equals(bare));
    }

    private static String withoutTrailingSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static void checkCarry(Fields f, List<String> carry, IssuerConfig issuer) {
        if (issuer == null) {
            return;
        }
        Set<String> known = new HashSet<>();
        issuer.claimCatalog().forEach(spec -> known.add(spec.attribute()));
        carry.stream().filter(name -> !known.contains(name)).forEach(name ->
                f.problem("issue.carry names '" + name + "', which the issuer does not provide"));
    }

    /** Value typing for conditions. */
    static @Nullable AttributeValue typedValue(@Nullable Object raw, AttributeType type) {
        return switch (type) {
            case STRING, STRING_LIST -> raw instanceof String s && !s.isEmpty()
                    ? new AttributeValue.Str(s) : null;
            case NUMBER -> raw instanceof Number n ? Condition.number(n) : null;
            case BOOLEAN -> raw instanceof Boolean b ? new AttributeValue.Bool(b) : null;
        };
    }
}
