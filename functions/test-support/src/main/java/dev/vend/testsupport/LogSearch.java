// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * DESIGN's log-search contract as a test helper: no log text may hold {@value #WINDOW}
 * consecutive characters of any base64 or base64url part of a proof or of an issued token. A
 * test lists the parts ({@link #jwsParts}, {@link #base64Parts}, {@link #hexParts}) and searches
 * everything its loggers captured with {@link #assertNoneIn}. Stateless and thread-safe.
 */
public final class LogSearch {

    /** The length of the substrings searched for. */
    public static final int WINDOW = 16;

    private LogSearch() {
    }

    /**
     * The parts of a JWS (a subject token, an issued token): its segments, and its signature
     * also in standard base64 and in hex.
     */
    public static List<String> jwsParts(String token) {
        String[] segments = token.split("\\.", -1);
        var parts = new ArrayList<String>(List.of(segments));
        if (segments.length == 3) {
            byte[] signature = Base64.getUrlDecoder().decode(segments[2]);
            parts.add(Base64.getEncoder().encodeToString(signature));
            parts.add(HexFormat.of().formatHex(signature));
        }
        return parts;
    }

    /**
     * The parts of base64 or base64url data (a PKCS7 signature, one per line or not): the text
     * without its line breaks, and its bytes in the other alphabet and in hex.
     *
     * @throws IllegalArgumentException when the text is neither base64 nor base64url
     */
    public static List<String> base64Parts(String base64) {
        String joined = base64.replaceAll("\\s", "");
        byte[] bytes = joined.contains("-") || joined.contains("_")
                ? Base64.getUrlDecoder().decode(joined) : Base64.getDecoder().decode(joined);
        var parts = new LinkedHashSet<String>(List.of(joined,
                Base64.getEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                HexFormat.of().formatHex(bytes)));
        return List.copyOf(parts);
    }

    /** The parts of a hex value (a SigV4 signature): itself, and its bytes in base64 forms. */
    public static List<String> hexParts(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        return List.of(hex, Base64.getEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * Fails when the text holds any {@value #WINDOW} consecutive characters of a part, once the
     * exempt values (attributes an audit event records on purpose) are taken out of it.
     *
     * @throws AssertionError naming the part and the offset found, not the characters
     */
    public static void assertNoneIn(String text, Collection<String> parts,
            Collection<String> exempt) {
        String scrubbed = text;
        for (String value : exempt) {
            scrubbed = scrubbed.replace(value, "");
        }
        Set<String> windows = windows(scrubbed);
        int index = 0;
        for (String part : parts) {
            for (int i = 0; i + WINDOW <= part.length(); i++) {
                if (windows.contains(part.substring(i, i + WINDOW))) {
                    throw new AssertionError("log text holds " + WINDOW + " characters of "
                            + "searched part " + index + " (from its offset " + i + ")");
                }
            }
            index++;
        }
    }

    private static Set<String> windows(String text) {
        var windows = new HashSet<String>();
        for (int i = 0; i + WINDOW <= text.length(); i++) {
            windows.add(text.substring(i, i + WINDOW));
        }
        return windows;
    }
}
