// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Reads configuration and policy documents as YAML 1.2 with the JSON schema, so JSON documents
 * read the same and {@code no} stays a string (a YAML 1.1 parser would make it false). Duplicate
 * keys, aliases beyond a small number and oversized documents are refused.
 */
public final class YamlDocuments {

    /** The largest document read, in bytes. */
    public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    private YamlDocuments() {
    }

    /** Reads one document whose root is a mapping. */
    public static Map<String, Object> readMapping(Path file) throws DocumentException {
        try {
            if (Files.size(file) > MAX_DOCUMENT_BYTES) {
                throw new DocumentException(file + ": larger than " + MAX_DOCUMENT_BYTES + " bytes");
            }
            return parseMapping(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new DocumentException(file + ": can not be read (" + e.getMessage() + ")");
        }
    }

    /** Parses one document whose root is a mapping. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseMapping(String text, String name)
            throws DocumentException {
        var settings = LoadSettings.builder()
                .setSchema(new JsonSchema())
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(10)
                .setAllowRecursiveKeys(false)
                .setCodePointLimit(MAX_DOCUMENT_BYTES)
                .setLabel(name)
                .build();
        try {
            Object root = new Load(settings).loadFromString(text);
            if (!(root instanceof Map<?, ?> map)) {
                throw new DocumentException(name + ": the document must be a mapping");
            }
            checkJsonShaped(root, name);
            return (Map<String, Object>) map;
        } catch (YamlEngineException e) {
            throw new DocumentException(name + ": not valid YAML 1.2 (" + firstLine(e) + ")");
        }
    }

    /**
     * Refuses what JSON can not hold, so every document has one canonical JSON form and typed
     * reads never meet a surprise: a key that is not a string ({@code 1: x}, {@code true: x})
     * and a number that is not finite ({@code .nan}, {@code .inf}).
     */
    private static void checkJsonShaped(Object node, String name) throws DocumentException {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String)) {
                    throw new DocumentException(name + ": every key must be a string, found "
                            + entry.getKey() + " (quote it)");
                }
                checkJsonShaped(entry.getValue(), name);
            }
        } else if (node instanceof List<?> list) {
            for (Object item : list) {
                checkJsonShaped(item, name);
            }
        } else if (node instanceof Double d && !Double.isFinite(d)) {
            throw new DocumentException(name + ": numbers must be finite (no .nan or .inf)");
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        List<String> lines = message.lines().toList();
        return lines.isEmpty() ? message : String.join(" ", lines).replaceAll("\\s+", " ");
    }

    /** A document could not be read; the message names the file and the problem. */
    public static final class DocumentException extends Exception {
        private static final long serialVersionUID = 1L;

        public DocumentException(String message) {
            super(message);
        }
    }
}
