// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vend.parse.YamlDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the policy folder is compiled and laid out for loading; no synth. */
class PolicyDocumentsTest {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", "."));
    private static final Path DEFAULT_ISSUERS = BASEDIR.resolve(
            "../functions/api/src/main/resources/dev/vend/api/default-issuers.yaml").normalize();

    @TempDir
    Path folder;

    @Test
    void readWhenTheRepositoryPoliciesFolderThenEveryPolicyLandsInItsTenantPartition()
            throws Exception {
        var items = PolicyDocuments.read(source(BASEDIR.resolve("../policies").normalize()));

        assertThat(items).isNotEmpty().allSatisfy(item -> {
            assertThat(item.attributes()).containsOnlyKeys("pk", "sk", "document", "version");
            assertThat(item.partitionKey()).contains("#");
        });
    }

    @Test
    void readWhenAMultiTenantPolicyDoesNotPinThePartitionClaimThenFailsNamingThePolicy()
            throws Exception {
        Files.writeString(folder.resolve("a.yaml"), """
                apiVersion: vend.dev/v1
                id: loose
                issuer: github-actions
                conditions:
                  repository_id: "123456"
                issue:
                  audiences: [https://api.example.com]
                """);

        assertThatThrownBy(() -> PolicyDocuments.read(source(folder)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loose");
    }

    @Test
    void readWhenTwoDocumentsShareAnIdThenFailsNamingBothFiles() throws Exception {
        String policy = """
                apiVersion: vend.dev/v1
                id: same
                issuer: github-actions
                conditions:
                  repository_owner_id: "1001"
                issue:
                  audiences: [https://api.example.com]
                """;
        Files.writeString(folder.resolve("a.yaml"), policy);
        Files.writeString(folder.resolve("b.yaml"), policy);

        assertThatThrownBy(() -> PolicyDocuments.read(source(folder)))
                .hasMessageContaining("b.yaml").hasMessageContaining("a.yaml")
                .hasMessageContaining("same");
    }

    private static PolicyDocuments.Source source(Path policies) throws Exception {
        return new PolicyDocuments.Source(policies, YamlDocuments.readMapping(DEFAULT_ISSUERS),
                DEFAULT_ISSUERS.getParent(), "https://vend.example.com", Duration.ofHours(1));
    }
}
