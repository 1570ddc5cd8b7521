// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import static dev.vend.policy.PolicyFixtures.compiler;
import static dev.vend.policy.PolicyFixtures.identity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderPolicyStoreTest {

    private static final String GITHUB_YAML = """
            apiVersion: vend.dev/v1
            id: gh-deploy
            issuer: github-actions
            conditions:
              repository_owner_id: "1001"
              repository_id: "123"
            issue:
              audiences: [https://api.example.test]
            """;
    private static final String GITLAB_JSON = """
            {"apiVersion": "vend.dev/v1", "id": "gl-deploy", "issuer": "gitlab-com",
             "conditions": {"project_id": "53804090", "ref_protected": "true"},
             "issue": {"audiences": ["https://api.example.test"]}}
            """;
    private static final String CLUSTER_YML = """
            apiVersion: vend.dev/v1
            id: k8s-deployer
            issuer: cluster-a
            conditions:
              namespace: prod
            issue:
              audiences: [https://api.example.test]
            """;

    @TempDir
    Path folder;

    private void write(String name, String text) throws IOException {
        Files.writeString(folder.resolve(name), text, StandardCharsets.UTF_8);
    }

    private List<String> refusal() {
        try {
            FolderPolicyStore.load(folder, compiler());
        } catch (PolicyException e) {
            return e.problems();
        }
        throw new AssertionError("the folder loaded but should have been refused");
    }

    @Test
    void loadWhenYamlJsonAndYmlDocumentsThenLoadsEveryPolicy() throws IOException {
        write("github.yaml", GITHUB_YAML);
        write("gitlab.json", GITLAB_JSON);
        write("cluster.yml", CLUSTER_YML);

        FolderPolicyStore store = FolderPolicyStore.load(folder, compiler());

        assertThat(store.all()).extracting(Policy::id)
                .containsExactly("gh-deploy", "gl-deploy", "k8s-deployer");
    }

    @Test
    void loadWhenOtherFilesPresentThenIgnoresThem() throws IOException {
        write("github.yaml", GITHUB_YAML);
        write("policy.schema.json", "{\"not\": \"a policy\"}");
        write("README.md", "# not a policy");
        write("notes.txt", "nothing");
        Files.createDirectory(folder.resolve("nested.yaml"));
        Files.writeString(folder.resolve("nested.yaml").resolve("inner.yaml"), "not: loaded");

        assertThat(FolderPolicyStore.load(folder, compiler()).all()).extracting(Policy::id)
                .containsExactly("gh-deploy");
    }

    @Test
    void loadWhenFolderEmptyThenEveryRequestHasNoCandidates() {
        FolderPolicyStore store = FolderPolicyStore.load(folder, compiler());

        assertThat(store.all()).isEmpty();
        assertThat(store.candidates(identity("github-actions", Map.of()))).isEmpty();
    }

    @Test
    void candidatesWhenIdentityFromAnIssuerThenReturnsThatIssuersPoliciesOnly() throws IOException {
        write("github.yaml", GITHUB_YAML);
        write("gitlab.json", GITLAB_JSON);

        FolderPolicyStore store = FolderPolicyStore.load(folder, compiler());

        assertThat(store.forExplanation(identity("github-actions", Map.of())))
                .extracting(Policy::id).containsExactly("gh-deploy");
        assertThat(store.forExplanation(identity("gitlab-com", Map.of())))
                .extracting(Policy::id).containsExactly("gl-deploy");
        assertThat(store.candidates(identity("cluster-a", Map.of()))).isEmpty();
    }

    @Test
    void loadWhenOneDocumentIsBadThenRefusesTheFolderListingEveryProblem() throws IOException {
        write("a-good.yaml", GITHUB_YAML);
        write("b-bad.yaml", GITHUB_YAML.replace("gh-deploy", "bad-one")
                .replace("vend.dev/v1", "vend.dev/v9")
                .replace("repository_id: \"123\"", "repository_id: 123"));
        write("c-bad.json", GITLAB_JSON.replace("gl-deploy", "bad-two")
                .replace("\"ref_protected\": \"true\"", "\"ref_protected\": true")
                .replace("https://api.example.test", "https://vend.example.test"));
        write("d-broken.yaml", "apiVersion: vend.dev/v1\nid: [unclosed\n");

        List<String> problems = refusal();

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("policy bad-one")
                .contains("b-bad.yaml").contains("apiVersion"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("policy bad-one")
                .contains("quote it: \"123\""));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("policy bad-two")
                .contains("c-bad.json").contains("quote it: \"true\""));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("policy bad-two")
                .contains("may not name Vend itself"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("d-broken.yaml")
                .contains("not valid YAML 1.2"));
        assertThat(problems).hasSize(5).noneMatch(p -> p.contains("gh-deploy"));
    }

    @Test
    void loadWhenTwoDocumentsShareAnIdThenRefusesNamingIt() throws IOException {
        write("one.yaml", GITHUB_YAML);
        write("two.json", """
                {"apiVersion": "vend.dev/v1", "id": "gh-deploy", "issuer": "github-actions",
                 "conditions": {"repository_id": "999"},
                 "issue": {"audiences": ["https://api.example.test"]}}
                """);

        assertThat(refusal()).singleElement().satisfies(p -> assertThat(p)
                .contains("policy id gh-deploy is used twice"));
    }

    @Test
    void loadWhenDocumentIsNotAMappingThenRefuses() throws IOException {
        write("list.yaml", "- a\n- b\n");

        assertThat(refusal()).singleElement().satisfies(p -> assertThat(p)
                .contains("list.yaml").contains("must be a mapping"));
    }

    @Test
    void loadWhenDocumentHasDuplicateKeysThenRefuses() throws IOException {
        write("dup.yaml", GITHUB_YAML + "id: other\n");

        assertThat(refusal()).singleElement().satisfies(p -> assertThat(p)
                .contains("dup.yaml").contains("duplicate key"));
    }

    @Test
    void loadWhenDocumentHasNonStringKeyThenRefusesInsteadOfFailing() throws IOException {
        // Regression: an unquoted number as a key made the loader throw ClassCastException.
        write("numbers.yaml", GITHUB_YAML.replace("  repository_id: \"123\"\n",
                "  repository_id: \"123\"\n  123: x\n"));

        assertThat(refusal()).singleElement().satisfies(p -> assertThat(p)
                .contains("numbers.yaml").contains("every key must be a string"));
    }

    @Test
    void loadWhenFolderMissingThenRefuses() {
        Path missing = folder.resolve("absent");

        assertThatThrownBy(() -> FolderPolicyStore.load(missing, compiler()))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("policy folder can not be read");
    }

    @Test
    void documentFilesWhenFolderHasOtherFilesAndSubfoldersThenOnlyPolicyDocumentsSorted()
            throws IOException {
        Files.writeString(folder.resolve("b.yaml"), "x: 1");
        Files.writeString(folder.resolve("a.json"), "{}");
        Files.writeString(folder.resolve("c.yml"), "x: 1");
        Files.writeString(folder.resolve("policy.schema.json"), "{}");
        Files.writeString(folder.resolve("README.md"), "text");
        Files.createDirectories(folder.resolve("examples")).resolve("d.yaml").toFile().createNewFile();

        assertThat(FolderPolicyStore.documentFiles(folder))
                .extracting(file -> file.getFileName().toString())
                .containsExactly("a.json", "b.yaml", "c.yml");
    }

    @Test
    void documentFilesWhenFolderMissingThenPolicyException() {
        assertThatThrownBy(() -> FolderPolicyStore.documentFiles(folder.resolve("missing")))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("policy folder can not be read");
    }

    @Test
    void ofWhenPoliciesGivenThenCandidatesAreThoseOfTheIdentitysIssuer() {
        Policy github = PolicyFixtures.compile("""
                apiVersion: vend.dev/v1
                id: gh
                issuer: github-actions
                conditions:
                  repository_owner_id: "1001"
                issue:
                  audiences: [https://api.example.test]
                """);
        var store = FolderPolicyStore.of(List.of(github));

        assertThat(store.candidates(identity("github-actions", Map.of("repository_owner_id",
                "1001")))).containsExactly(github);
        assertThat(store.forExplanation(identity("github-actions", Map.of())))
                .containsExactly(github);
        assertThat(store.candidates(identity("gitlab-com", Map.of()))).isEmpty();
    }

    @Test
    void candidatesWhenManyOwnersPinnedThenOnlyPoliciesThatCouldMatchAreReturned() {
        var policies = new java.util.ArrayList<Policy>();
        for (int i = 0; i < 1_000; i++) {
            policies.add(PolicyFixtures.compile(GITHUB_YAML.replace("gh-deploy", "gh-" + i)
                    .replace("\"1001\"", "\"" + (5_000 + i) + "\"")));
        }
        policies.add(PolicyFixtures.compile(GITHUB_YAML.replace("gh-deploy", "gh-either")
                .replace("\"1001\"", "{anyOf: [\"5007\", \"9999\"]}")));
        FolderPolicyStore store = FolderPolicyStore.of(policies);

        var owner7 = identity("github-actions",
                Map.of("repository_owner_id", "5007", "repository_id", "123"));
        var stranger = identity("github-actions",
                Map.of("repository_owner_id", "1", "repository_id", "123"));

        assertThat(store.candidates(owner7)).extracting(Policy::id)
                .containsExactlyInAnyOrder("gh-7", "gh-either");
        assertThat(store.candidates(stranger)).isEmpty();
        assertThat(store.forExplanation(stranger)).hasSize(1_001);
    }

    @Test
    void candidatesWhenPolicyDoesNotPinTheIndexedAttributeThenAlwaysACandidate() {
        var pinned = PolicyFixtures.compile(GITHUB_YAML);
        var pinned2 = PolicyFixtures.compile(GITHUB_YAML.replace("gh-deploy", "gh-2")
                .replace("\"1001\"", "\"1002\""));
        var byRepositoryOnly = PolicyFixtures.compile(GITHUB_YAML.replace("gh-deploy", "gh-repo")
                .replace("  repository_owner_id: \"1001\"\n", "  repository_owner_id: "
                        + "{anyOf: [\"1001\", \"1002\", \"1003\"]}\n"));
        FolderPolicyStore store = FolderPolicyStore.of(List.of(pinned, pinned2, byRepositoryOnly));

        var owner3 = identity("github-actions",
                Map.of("repository_owner_id", "1003", "repository_id", "123"));
        var noOwner = identity("github-actions", Map.of("repository_id", "123"));

        assertThat(store.candidates(owner3)).extracting(Policy::id).containsExactly("gh-repo");
        assertThat(store.candidates(noOwner)).isEmpty();
    }
}
