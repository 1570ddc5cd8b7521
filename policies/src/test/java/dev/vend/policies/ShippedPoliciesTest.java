// SPDX-License-Identifier: Apache-2.0
package dev.vend.policies;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lints every policy document shipped in this folder: it satisfies the schema, it compiles with
 * every guard rail against the embedded issuer registry, and the folder loads as the local server
 * loads it. A document that fails here would refuse the deployment's start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShippedPoliciesTest {

    private Schema schema;
    private PolicyCompiler compiler;

    @BeforeAll
    void setUp() {
        schema = PolicyLint.schema();
        compiler = PolicyLint.compiler();
    }

    static Stream<Arguments> documents() {
        return PolicyLint.shippedDocuments().stream()
                .map(file -> Arguments.of(Named.of(file.getFileName().toString(), file)));
    }

    @Test
    void theExamplesAreShipped() {
        assertThat(PolicyLint.shippedDocuments())
                .extracting(file -> file.getFileName().toString())
                .contains("github-actions-example.yaml", "gitlab-com-example.yaml")
                .doesNotContain(PolicyLint.SCHEMA_FILE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void satisfiesTheSchema(Path file) {
        assertThat(PolicyLint.schemaErrors(schema, PolicyLint.read(file))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void compilesAgainstTheEmbeddedIssuerRegistry(Path file) {
        Policy policy = compiler.compile(PolicyLint.read(file), file.toString());

        assertThat(policy.conditions()).isNotEmpty();
        assertThat(policy.audiences()).isNotEmpty();
        assertThat(policy.version()).matches("[0-9a-f]{64}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void theSchemaRefusesAnUnknownFieldAtEveryLevel(Path file) {
        Map<String, Object> atRoot = PolicyLint.read(file);
        atRoot.put("allow_all", true);
        Map<String, Object> inIssue = PolicyLint.read(file);
        nested(inIssue, "issue").put("ttl", 60);
        Map<String, Object> inCondition = PolicyLint.read(file);
        nested(inCondition, "conditions").put("ref", Map.of("regex", "^refs/heads/.*"));

        assertThat(PolicyLint.schemaErrors(schema, atRoot)).isNotEmpty();
        assertThat(PolicyLint.schemaErrors(schema, inIssue)).isNotEmpty();
        assertThat(PolicyLint.schemaErrors(schema, inCondition)).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void itsJsonFormHasTheSameVersionHash(Path file) throws YamlDocuments.DocumentException {
        // RFC 8785: the version is taken over canonical JSON, so a YAML policy and the same policy
        // written as JSON (as the deployment may store it) are one version in the audit trail.
        Map<String, Object> yaml = PolicyLint.read(file);
        Map<String, Object> json = YamlDocuments.parseMapping(PolicyLint.toJson(yaml), "as JSON");

        assertThat(compiler.compile(json, "as JSON").version())
                .isEqualTo(compiler.compile(yaml, file.toString()).version());
    }

    @Test
    void theFolderLoadsAsTheLocalServerLoadsIt() {
        FolderPolicyStore store = FolderPolicyStore.load(PolicyLint.moduleDir(), compiler);

        assertThat(store.all()).hasSize(PolicyLint.shippedDocuments().size());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(Map<String, Object> document, String key) {
        var copy = new LinkedHashMap<>((Map<String, Object>) document.get(key));
        document.put(key, copy);
        return copy;
    }
}
