// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.io.IOException;
import java.util.Set;

/** Strict JSON for the AWS subject tokens: size cap, no duplicate members, known members only. */
final class AwsJson {

    /** The largest AWS subject token accepted, in characters. */
    static final int MAX_LENGTH = 24 * 1024;

    private static final ObjectMapper JSON = mapper();

    private AwsJson() {
    }

    static JsonNode object(String text, Set<String> members) {
        if (text.length() > MAX_LENGTH) {
            throw malformed("subject token too long");
        }
        try {
            JsonNode node = JSON.readTree(text);
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

    private static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(8).maxNumberLength(40).maxStringLength(MAX_LENGTH)
                        .build())
                .build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
