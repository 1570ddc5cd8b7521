// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * STS's rules for what Vend passes to {@code sts:AssumeRole}, checked by Vend before the call so
 * that a bad value is a refusal (or a lint error), never an STS validation error surfacing as a
 * 500. From the AssumeRole API reference and "Passing session tags in AWS STS":
 * <ul>
 *   <li>tag keys: 1–128 characters, values: 0–256 characters, both of
 *       {@code [\p{L}\p{Z}\p{N}_.:/=+\-@]}; at most 50 tags; keys are case-insensitively unique
 *       and may not start with {@code aws:};</li>
 *   <li>role session name and source identity: {@code [\w+=,.@-]{2,64}}; a source identity may
 *       not start with {@code aws:};</li>
 *   <li>duration: 900 s to 3600 s, because Vend's own credentials are a role session and a
 *       role-chained session is capped at one hour.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class AwsSessionRules {

    /** The tag that names the deciding policy on every session Vend creates. */
    public static final String POLICY_ID_TAG = "vend:policy_id";
    /** The shortest session STS grants. */
    public static final Duration MIN_DURATION = Duration.ofMinutes(15);
    /** The longest role-chained session. */
    public static final Duration MAX_CHAINED_DURATION = Duration.ofHours(1);
    /** The most session tags one AssumeRole call may pass. */
    public static final int MAX_TAGS = 50;

    private static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}");

    private AwsSessionRules() {
    }

    /** Whether a tag key is acceptable to STS. */
    public static boolean validTagKey(String key) {
        return !key.isEmpty() && key.length() <= 128 && TAG_CHARS.matcher(key).matches()
                && !key.toLowerCase(Locale.ROOT).startsWith("aws:");
    }

    /** Whether a tag value is acceptable to STS. */
    public static boolean validTagValue(String value) {
        return value.length() <= 256 && TAG_CHARS.matcher(value).matches();
    }

    /** Whether a role session name or source identity is acceptable to STS. */
    public static boolean validSessionName(String name) {
        return SESSION_NAME.matcher(name).matches();
    }

    /** Whether a source identity is acceptable to STS. */
    public static boolean validSourceIdentity(String identity) {
        return validSessionName(identity)
                && !identity.toLowerCase(Locale.ROOT).startsWith("aws:");
    }

    /** Whether the text is an IAM role ARN. */
    public static boolean validRoleArn(String arn) {
        return ROLE_ARN.matcher(arn).matches();
    }

    /**
     * Every rule the request breaks, in words that name the field but never its value (values
     * come from verified attributes and go to the audit log, not to messages).
     *
     * @return an empty list when STS would accept it
     */
    public static List<String> problems(AwsSessionRequest request) {
        var problems = new ArrayList<String>();
        if (!validRoleArn(request.roleArn())) {
            problems.add("role ARN is not an IAM role ARN");
        }
        if (!validSessionName(request.sessionName())) {
            problems.add("session name breaks [\\w+=,.@-]{2,64}");
        }
        String source = request.sourceIdentity();
        if (source != null && !validSourceIdentity(source)) {
            problems.add("source identity breaks [\\w+=,.@-]{2,64} or starts with aws:");
        }
        problems.addAll(tagProblems(request.tags()));
        Duration duration = request.duration();
        if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_CHAINED_DURATION) > 0) {
            problems.add("duration must be between 900 and 3600 seconds");
        }
        return problems;
    }

    private static List<String> tagProblems(Map<String, String> tags) {
        var problems = new ArrayList<String>();
        if (tags.size() > MAX_TAGS) {
            problems.add("more than " + MAX_TAGS + " session tags");
        }
        var lowerKeys = new HashSet<String>();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (!validTagKey(tag.getKey())) {
                problems.add("session tag key '" + printable(tag.getKey()) + "' breaks STS rules");
            } else if (!lowerKeys.add(tag.getKey().toLowerCase(Locale.ROOT))) {
                problems.add("session tag key '" + tag.getKey() + "' repeats in another case");
            }
            if (!validTagValue(tag.getValue())) {
                problems.add("value of session tag '" + printable(tag.getKey())
                        + "' breaks STS rules");
            }
        }
        return problems;
    }

    /** A tag key for a message: keys come from policy, not from callers, but stay bounded. */
    private static String printable(@Nullable String key) {
        if (key == null) {
            return "";
        }
        String safe = key.replaceAll("[^\\p{Alnum}_.:/=+\\-@]", "?");
        return safe.length() > 40 ? safe.substring(0, 40) + "…" : safe;
    }
}
