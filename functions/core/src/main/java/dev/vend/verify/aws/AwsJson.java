// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vend.parse.Json;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.io.IOException;
import java.util.Set;

/** Strict JSON for the AWS subject tokens: size cap, no duplicate members, known members only. */
final class AwsJson {

    /** The largest AWS subject token accepted, in characters. */
    static final int MAX_LENGTH = 24 * 1024;

    private static final Json.Reader JSON =
            Json.reader(new Json.Limits(8, MAX_LENGTH, 40, false));

    private AwsJson() {
    }

    static JsonNode object(String text, Set<String> members) {
        if (text.length() > MAX_LENGTH) {
            throw malformed("subject token too long");
        }
        try {
            JsonNode node = JSON.read(text);
            if (node == null || !node.isObject()) {
                throw malformed("subject token is not a JSON object");
            }
            node.fieldNames().forEachRemaining(name -> {
                if (!members.contains(name)) {
                    throw malformed("unknown member in the subject token");
                }
            });
            return node;
        } catch (IOException e) {
            throw malformed("subject token is not strict JSON");
        }
    }

    static DenialException malformed(String detail) {
        return new DenialException(DenialReason.MALFORMED_TOKEN, detail);
    }
}
