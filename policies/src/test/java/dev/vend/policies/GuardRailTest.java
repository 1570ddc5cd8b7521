// SPDX-License-Identifier: Apache-2.0
package dev.vend.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Schema;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each guard rail refuses its unsafe document at load time, with one problem that names the
 * policy and the rule. The fixtures in {@code src/test/resources/unsafe/} hold one unsafe form
 * each and are otherwise valid, so a fixture that starts failing for another reason shows up as a
 * second problem. The schema catches some of them too; the rest only the compiler can judge,
 * because they depend on the issuer registry or on the deployment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardRailTest {

    /**
     * One guard rail.
     *
     * @param file the fixture in the unsafe folder
     * @param policyId the fixture's policy id, which every problem must name
     * @param rule a fragment of the compiler's message that names the rule
     * @param schemaRefuses whether the schema alone already refuses the document
     */
    record Rail(String file, String policyId, String rule, boolean schemaRefuses) {
        @Override
        public String toString() {
            return file;
        }
    }

    static final List<Rail> RAILS = List.of(
            // BUG-02 P1 and P3: a rule without any identity condition.
            new Rail("audience-only.yaml", "unsafe-audience-only",
                    "(policy_missing_subject_binding)", true),
            new Rail("empty-conditions.yaml", "unsafe-empty-conditions",
                    "(policy_missing_subject_binding)", true),
            // BUG-06: a pattern made of wildcards only.
            new Rail("bare-wildcard.yaml", "unsafe-bare-wildcard",
                    "pattern '*' matches anything", true),
            // BUG-02 P2: repo:acme* also matches repo:acme-evil/...
            new Rail("owner-wildcard.yaml", "unsafe-owner-wildcard",
                    "puts a wildcard in the owner segment", false),
            // BUG-03: a multi-tenant issuer needs an immutable id pinned exactly.
            new Rail("multi-tenant-unpinned.yaml", "unsafe-multi-tenant-unpinned",
                    "serves many tenants: pin one of [repository_owner_id, repository_id]", false),
            new Rail("multi-tenant-pattern-pin.yaml", "unsafe-multi-tenant-pattern-pin",
                    "serves many tenants: pin one of [namespace_id, project_id]", false),
            // BUG-06 B: a boolean can never equal GitLab's string "true".
            new Rail("wrong-value-type.yaml", "unsafe-wrong-value-type",
                    "true can never match a string attribute (quote it: \"true\")", false),
            new Rail("lifetime-over-cap.yaml", "unsafe-lifetime-over-cap",
                    "issue.maxLifetimeSeconds must be between 1 and ", true),
            // BUG-19: issuers come from the registry only.
            new Rail("unknown-issuer.yaml", "unsafe-unknown-issuer",
                    "issuer 'circleci' is not in the issuer registry", false),
            new Rail("vend-audience.yaml", "unsafe-vend-audience",
                    "may not name Vend itself or an inbound audience", false),
            // BUG-07 P0: no audience never means any audience.
            new Rail("empty-audiences.yaml", "unsafe-empty-audiences",
                    "issue.audiences must name at least one audience", true),
            // BUG-28 C: an unknown member is refused, not ignored.
            new Rail("unknown-field.yaml", "unsafe-unknown-field",
                    "unknown field(s) [allow_all]", true),
            new Rail("unknown-attribute.yaml", "unsafe-unknown-attribute",
                    "condition on 'branch', which issuer github-actions does not provide", false));

    private Schema schema;
    private PolicyCompiler compiler;

    @BeforeAll
    void setUp() {
        schema = PolicyLint.schema();
        compiler = PolicyLint.compiler();
    }

    static Stream<Rail> rails() {
        return RAILS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rails")
    void isRefusedWithOneProblemNamingThePolicyAndTheRule(Rail rail) {
        Path file = PolicyLint.unsafeDir().resolve(rail.file());

        assertThatThrownBy(() -> compiler.compile(PolicyLint.read(file), file.toString()))
                .isInstanceOfSatisfying(PolicyException.class, refused ->
                        assertThat(refused.problems()).singleElement().asString()
                                .startsWith("policy " + rail.policyId() + " (" + file + "): ")
                                .contains(rail.rule()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rails")
    void theSchemaRefusesOnlyWhatItCanSee(Rail rail) {
        List<String> errors = PolicyLint.schemaErrors(schema,
                PolicyLint.read(PolicyLint.unsafeDir().resolve(rail.file())));

        if (rail.schemaRefuses()) {
            assertThat(errors).isNotEmpty();
        } else {
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void everyFixtureHasItsRail() throws IOException {
        try (Stream<Path> files = Files.list(PolicyLint.unsafeDir())) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(
                            RAILS.stream().map(Rail::file).toList());
        }
    }

    @Test
    void oneUnsafeDocumentRefusesTheWholeFolder() {
        // The local server loads a folder the same way: one bad document, no start.
        assertThatThrownBy(() -> FolderPolicyStore.load(PolicyLint.unsafeDir(), compiler))
                .isInstanceOfSatisfying(PolicyException.class, refused ->
                        assertThat(refused.problems()).hasSize(RAILS.size()));
    }
}
