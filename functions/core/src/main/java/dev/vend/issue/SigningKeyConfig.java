// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.parse.Json;
import dev.vend.verify.InvalidConfigurationException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One signing key as configured: by KMS key ARN (never an alias, whose target can change under a
 * running deployment), its state and its publication schedule. The deployment passes the list as
 * JSON, for example {@code [{"arn":"arn:aws:kms:…:key/…","state":"retiring",
 * "retired_at":"…","published_until":"…"}]}
 * (ADR 0007, docs/runbooks/key-rotation.md).
 *
 * <p>Immutable and thread-safe.
 *
 * @param arn the KMS key ARN
 * @param state next, active or retiring
 * @param publishedUntil when it leaves the JWKS, or null; required for a retiring key
 * @param retiredAt when a retiring key stopped signing (the deployment of the switch); required
 *     for a retiring key and refused on any other
 * @param publishedSince when the key entered the JWKS (as {@code next}), or null; when given on
 *     the active key, Vend refuses to sign with it before relying parties can have cached it
 */
public record SigningKeyConfig(String arn, KeyState state, @Nullable Instant publishedUntil,
        @Nullable Instant retiredAt, @Nullable Instant publishedSince) {

    private static final Pattern KEY_ARN =
            Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+");
    private static final Json.Reader JSON = Json.reader();

    public SigningKeyConfig {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(state, "state");
    }

    /** A key without {@code retired_at} or {@code published_since}. */
    public SigningKeyConfig(String arn, KeyState state, @Nullable Instant publishedUntil) {
        this(arn, state, publishedUntil, null, null);
    }

    /**
     * Parses the configured list, reporting every problem at once.
     *
     * @throws InvalidConfigurationException on any problem
     */
    public static List<SigningKeyConfig> parseList(String json) {
        var problems = new ArrayList<String>();
        var out = new ArrayList<SigningKeyConfig>();
        JsonNode root;
        try {
            root = JSON.read(json);
        } catch (IOException e) {
            throw new InvalidConfigurationException(List.of("signing keys: not JSON"));
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new InvalidConfigurationException(List.of("signing keys: a non-empty JSON array "
                    + "of {arn, state, published_until, retired_at} is required"));
        }
        var arns = new HashSet<String>();
        for (JsonNode node : root) {
            SigningKeyConfig config = read(node, problems);
            if (config != null && !arns.add(config.arn())) {
                problems.add("signing key " + config.arn() + " is listed twice");
            } else if (config != null) {
                out.add(config);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return out;
    }

    /** Reads one entry, adding every problem it has; null if it has any. */
    private static @Nullable SigningKeyConfig read(JsonNode node, List<String> problems) {
        int before = problems.size();
        String arn = node.path("arn").asText("");
        if (!KEY_ARN.matcher(arn).matches()) {
            problems.add("signing key '" + arn + "': give a KMS key ARN (arn:aws:kms:…:key/…); "
                    + "aliases are refused");
        }
        KeyState state = readState(node, arn, problems);
        Instant until = readInstant(node, "published_until", arn, problems);
        Instant retiredAt = readInstant(node, "retired_at", arn, problems);
        Instant since = readInstant(node, "published_since", arn, problems);
        if (state == KeyState.RETIRING && !node.hasNonNull("published_until")) {
            problems.add("signing key " + arn + ": a retiring key needs published_until");
        }
        if (state == KeyState.RETIRING && !node.hasNonNull("retired_at")) {
            problems.add("signing key " + arn + ": a retiring key needs retired_at, the time it "
                    + "stopped signing");
        }
        if (state != null && state != KeyState.RETIRING && node.hasNonNull("retired_at")) {
            problems.add("signing key " + arn + ": only a retiring key has retired_at");
        }
        return problems.size() > before || state == null ? null
                : new SigningKeyConfig(arn, state, until, retiredAt, since);
    }

    private static @Nullable KeyState readState(JsonNode node, String arn, List<String> problems) {
        try {
            return KeyState.valueOf(node.path("state").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add("signing key " + arn + ": state must be next, active or retiring");
            return null;
        }
    }

    private static @Nullable Instant readInstant(JsonNode node, String field, String arn,
            List<String> problems) {
        if (!node.hasNonNull(field)) {
            return null;
        }
        try {
            return Instant.parse(node.get(field).asText());
        } catch (DateTimeParseException e) {
            problems.add("signing key " + arn + ": " + field + " must be an ISO-8601 instant");
            return null;
        }
    }
}
