// SPDX-License-Identifier: Apache-2.0
package dev.vend.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema describes the document exactly as the compiler reads it: for one valid policy and
 * many single edits of it, the schema and the compiler give the same verdict. Edits whose verdict
 * depends on the issuer registry or the deployment are {@link GuardRailTest}'s business.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicySchemaTest {

    private static final Object REMOVE = new Object();

    private static final String BASE = """
            apiVersion: vend.dev/v1
            id: schema-base
            description: A valid policy that every edit below starts from.
            issuer: github-actions
            conditions:
              repository_owner_id: "1001"
              repository_id: "123456"
              ref: refs/heads/main
              event_name: push
            issue:
              audiences: [https://api.example.com]
              scopes: [deploy]
              maxLifetimeSeconds: 600
              carry: [repository]
            """;

    /**
     * One edit of the base document.
     *
     * @param name what it shows
     * @param path dot-separated member path
     * @param value the new value, or {@link #REMOVE}
     */
    record Edit(String name, String path, Object value) {
        @Override
        public String toString() {
            return name;
        }

        Map<String, Object> applyTo(Map<String, Object> document) {
            List<String> keys = Arrays.asList(path.split("\\."));
            Map<String, Object> parent = document;
            for (String key : keys.subList(0, keys.size() - 1)) {
                parent = copyOf(parent, key);
            }
            String last = keys.get(keys.size() - 1);
            if (value == REMOVE) {
                parent.remove(last);
            } else {
                parent.put(last, value);
            }
            return document;
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> copyOf(Map<String, Object> parent, String key) {
            var copy = new LinkedHashMap<>((Map<String, Object>) parent.get(key));
            parent.put(key, copy);
            return copy;
        }
    }

    private Schema schema;
    private PolicyCompiler compiler;

    @BeforeAll
    void setUp() {
        schema = PolicyLint.schema();
        compiler = PolicyLint.compiler();
    }

    static Stream<Edit> refusedByBoth() {
        return Stream.of(
                new Edit("unknown top-level field", "allow_all", true),
                new Edit("unknown issue field", "issue.ttl", 60),
                new Edit("unknown condition operator", "conditions.ref",
                        Map.of("regex", "^refs/heads/.*")),
                new Edit("two condition operators", "conditions.ref",
                        map("anyOf", List.of("refs/heads/main"), "pattern", "refs/heads/*")),
                new Edit("another apiVersion", "apiVersion", "vend.dev/v2"),
                new Edit("no apiVersion", "apiVersion", REMOVE),
                new Edit("no id", "id", REMOVE),
                new Edit("id with capitals", "id", "Deploy_Main"),
                new Edit("no issuer", "issuer", REMOVE),
                new Edit("empty issuer", "issuer", ""),
                new Edit("unknown mode", "mode", "shadow"),
                new Edit("priority beyond 32 bits", "priority", 2_147_483_648L),
                new Edit("priority as text", "priority", "high"),
                new Edit("disabled as text", "disabled", "yes"),
                new Edit("empty description", "description", ""),
                new Edit("no conditions", "conditions", REMOVE),
                new Edit("empty conditions", "conditions", Map.of()),
                new Edit("condition without value", "conditions.ref", null),
                new Edit("condition as a bare list", "conditions.ref",
                        List.of("refs/heads/main", "refs/heads/dev")),
                new Edit("condition on the empty string", "conditions.ref", ""),
                new Edit("empty anyOf", "conditions.ref", Map.of("anyOf", List.of())),
                new Edit("anyOf with a list inside", "conditions.ref",
                        Map.of("anyOf", List.of(List.of("refs/heads/main")))),
                new Edit("pattern of wildcards only", "conditions.ref", Map.of("pattern", "**")),
                new Edit("empty pattern", "conditions.ref", Map.of("pattern", "")),
                new Edit("no issue", "issue", REMOVE),
                new Edit("no audiences", "issue.audiences", REMOVE),
                new Edit("empty audiences", "issue.audiences", List.of()),
                new Edit("empty audience", "issue.audiences", List.of("")),
                new Edit("audiences as text", "issue.audiences", "https://api.example.com"),
                new Edit("scope with a space", "issue.scopes", List.of("read write")),
                new Edit("scope with a quote", "issue.scopes", List.of("say\"hi")),
                new Edit("zero lifetime", "issue.maxLifetimeSeconds", 0),
                new Edit("lifetime over the ceiling", "issue.maxLifetimeSeconds", 43_201),
                new Edit("lifetime as text", "issue.maxLifetimeSeconds", "600"),
                new Edit("empty carried attribute", "issue.carry", List.of("")));
    }

    static Stream<Edit> acceptedByBoth() {
        return Stream.of(
                new Edit("unchanged", "id", "schema-base"),
                new Edit("audit mode", "mode", "audit"),
                new Edit("enforce mode", "mode", "enforce"),
                new Edit("negative priority", "priority", -5),
                new Edit("disabled", "disabled", true),
                new Edit("no description", "description", REMOVE),
                new Edit("anyOf", "conditions.event_name",
                        Map.of("anyOf", List.of("push", "workflow_dispatch"))),
                new Edit("pattern", "conditions.ref", Map.of("pattern", "refs/heads/release-*")),
                new Edit("no scopes", "issue.scopes", REMOVE),
                new Edit("default lifetime", "issue.maxLifetimeSeconds", REMOVE),
                new Edit("nothing carried", "issue.carry", List.of()));
    }

    @Test
    void isAValidDraft202012Schema() {
        Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));

        assertThat(meta.validate(PolicyLint.schemaText(), InputFormat.JSON)).isEmpty();
    }

    @Test
    void theBaseDocumentIsValid() {
        assertThat(PolicyLint.schemaErrors(schema, base())).isEmpty();
        assertThat(compiler.compile(base(), "base").id()).isEqualTo("schema-base");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByBoth")
    void schemaAndCompilerBothRefuse(Edit edit) {
        Map<String, Object> document = edit.applyTo(base());

        assertThat(PolicyLint.schemaErrors(schema, document)).isNotEmpty();
        assertThatThrownBy(() -> compiler.compile(document, edit.name()))
                .isInstanceOf(PolicyException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedByBoth")
    void schemaAndCompilerBothAccept(Edit edit) {
        Map<String, Object> document = edit.applyTo(base());

        assertThat(PolicyLint.schemaErrors(schema, document)).isEmpty();
        assertThat(compiler.compile(document, edit.name()).id()).isEqualTo("schema-base");
    }

    private static Map<String, Object> base() {
        try {
            return YamlDocuments.parseMapping(BASE, "base");
        } catch (YamlDocuments.DocumentException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        var out = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
