// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class YamlDocumentsTest {

    private static Map<String, Object> parse(String text) throws YamlDocuments.DocumentException {
        return YamlDocuments.parseMapping(text, "doc.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no", "yes", "off", "on", "y", "n", "True", "FALSE", "~", "Null"})
    void parseMappingWhenYaml11WordsThenKeepsThemStrings(String word)
            throws YamlDocuments.DocumentException {
        // YAML 1.2 with the JSON schema: only true, false and null are not strings.
        assertThat(parse("value: " + word)).containsEntry("value", word);
    }

    @Test
    void parseMappingWhenJsonLiteralsThenTypesThem() throws YamlDocuments.DocumentException {
        Map<String, Object> document = parse("""
                {"t": true, "f": false, "n": null, "i": 12, "big": 99999999999999999999,
                 "d": 1.5, "s": "12", "octal": 0123}
                """.replace("0123", "\"0123\""));

        assertThat(document).containsEntry("t", true).containsEntry("f", false)
                .containsEntry("n", null).containsEntry("i", 12)
                .containsEntry("big", new BigInteger("99999999999999999999"))
                .containsEntry("d", 1.5).containsEntry("s", "12").containsEntry("octal", "0123");
    }

    @Test
    void parseMappingWhenDuplicateKeyThenRefuses() {
        assertThatThrownBy(() -> parse("a: 1\na: 2\n"))
                .isInstanceOf(YamlDocuments.DocumentException.class)
                .hasMessageContaining("doc.yaml").hasMessageContaining("duplicate key");
    }

    @Test
    void parseMappingWhenDuplicateKeyInJsonThenRefuses() {
        assertThatThrownBy(() -> parse("{\"id\": \"a\", \"id\": \"b\"}"))
                .isInstanceOf(YamlDocuments.DocumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1: x", "true: x", "null: x", "nested: {2: y}", "list: [{3: z}]",
            "? [a, b]\n: c"})
    void parseMappingWhenKeyIsNotAStringThenRefusesInsteadOfFailingLater(String text) {
        // Regression: such keys reached typed reads and threw ClassCastException.
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(YamlDocuments.DocumentException.class)
                .hasMessageContaining("doc.yaml")
                .hasMessageContaining("every key must be a string");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x: .nan", "x: .inf", "x: -.inf", "x: [1, .nan]", "x: {y: .inf}"})
    void parseMappingWhenNumberNotFiniteThenRefuses(String text) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(YamlDocuments.DocumentException.class)
                .hasMessageContaining("numbers must be finite");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"- a", "just text", "42", ""})
    void parseMappingWhenRootIsNotAMappingThenRefuses(String text) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(YamlDocuments.DocumentException.class)
                .hasMessageContaining("must be a mapping");
    }

    @Test
    void parseMappingWhenAliasesExplodeThenRefuses() {
        // "Billion laughs": nested aliases are capped.
        var text = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        char previous = 'a';
        for (char c = 'b'; c <= 'k'; c++) {
            text.append(c).append(": &").append(c).append(" [");
            text.append(("*" + previous + ", ").repeat(9)).append('*').append(previous);
            text.append("]\n");
            previous = c;
        }

        assertThatThrownBy(() -> parse(text.toString()))
                .isInstanceOf(YamlDocuments.DocumentException.class);
    }

    @Test
    void parseMappingWhenSyntaxErrorThenMessageNamesTheDocumentOnOneLine() {
        assertThatThrownBy(() -> parse("a: [unclosed\n"))
                .isInstanceOf(YamlDocuments.DocumentException.class)
                .hasMessageStartingWith("doc.yaml: not valid YAML 1.2")
                .hasMessageNotContaining("\n");
    }

    @Test
    void readMappingWhenFileTooLargeThenRefuses(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("big.yaml");
        Files.writeString(file, "a: \"" + "x".repeat(YamlDocuments.MAX_DOCUMENT_BYTES) + "\"\n");

        assertThatThrownBy(() -> YamlDocuments.readMapping(file))
                .isInstanceOf(YamlDocuments.DocumentException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void readMappingWhenFileMissingThenRefuses(@TempDir Path folder) {
        assertThatThrownBy(() -> YamlDocuments.readMapping(folder.resolve("absent.yaml")))
                .isInstanceOf(YamlDocuments.DocumentException.class)
                .hasMessageContaining("can not be read");
    }

    @Test
    void readMappingWhenValidFileThenReadsNestedStructures(@TempDir Path folder)
            throws IOException, YamlDocuments.DocumentException {
        Path file = folder.resolve("ok.yaml");
        Files.writeString(file, "a:\n  b: [1, two]\n");

        assertThat(YamlDocuments.readMapping(file))
                .containsEntry("a", Map.of("b", List.of(1, "two")));
    }
}
