// SPDX-License-Identifier: Apache-2.0
package dev.vend.policies;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lints the examples in {@code examples/} (Kubernetes, Compute Engine): each satisfies the schema
 * and compiles with every guard rail against the embedded registry plus the example issuers. They
 * live in a subfolder because the local server, started on {@code policies/} with the embedded
 * registry, would refuse policies naming issuers it does not know. The functions/api tests run
 * {@code vend policy lint} and {@code vend policy test} over the same folder and cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplePoliciesTest {

    private Schema schema;
    private PolicyCompiler compiler;

    @BeforeAll
    void setUp() {
        schema = PolicyLint.schema();
        compiler = PolicyLint.exampleCompiler();
    }

    static Stream<Arguments> documents() {
        return PolicyLint.exampleDocuments().stream()
                .map(file -> Arguments.of(Named.of(file.getFileName().toString(), file)));
    }

    @Test
    void examplesWhenListedThenKubernetesAndComputeEngineAreShipped() {
        assertThat(PolicyLint.exampleDocuments())
                .extracting(file -> file.getFileName().toString())
                .contains("kubernetes-example.yaml", "kubernetes-example-audit.yaml",
                        "gce-example.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void schemaWhenExampleValidatedThenNoErrors(Path file) {
        assertThat(PolicyLint.schemaErrors(schema, PolicyLint.read(file))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void compileWhenExampleThenPassesEveryGuardRail(Path file) {
        Policy policy = compiler.compile(PolicyLint.read(file), file.toString());

        assertThat(policy.conditions()).isNotEmpty();
        assertThat(policy.version()).matches("[0-9a-f]{64}");
    }

    @Test
    void compileWhenAuditExampleThenModeIsAudit() {
        Path file = PolicyLint.examplesDir().resolve("kubernetes-example-audit.yaml");

        assertThat(compiler.compile(PolicyLint.read(file), file.toString()).mode())
                .isEqualTo(Policy.Mode.AUDIT);
    }

    @Test
    void loadWhenExamplesFolderThenEveryDocumentLoads() {
        FolderPolicyStore store = FolderPolicyStore.load(PolicyLint.examplesDir(), compiler);

        assertThat(store.all()).hasSize(PolicyLint.exampleDocuments().size());
    }
}
