// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.policy;

import static dev.vend.aws.policy.PolicyStoreFixtures.githubIdentity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.vend.model.AttributeValue;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.verify.IssuerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyTableLayoutTest {

    private final PolicyCompiler compiler = PolicyStoreFixtures.compiler();

    private Policy compile(String yaml) {
        return compiler.compile(PolicyStoreFixtures.parse(yaml), "test");
    }

    private IssuerConfig issuer(String id) {
        return compiler.issuers().byId(id).orElseThrow();
    }

    @Test
    void partitionKeysWhenMultiTenantThenIssuerAndOwnerId() {
        Policy policy = compile(PolicyStoreFixtures.github("p", "1001", "123", ""));

        assertThat(PolicyTableLayout.partitionKeys(policy, issuer("github-actions")))
                .containsExactly("github-actions#1001");
    }

    @Test
    void partitionKeysWhenOwnerIdPinnedToSeveralValuesThenOneKeyEach() {
        Policy policy = compile(PolicyStoreFixtures.github("p", "1001", "123", "").replace(
                "repository_owner_id: \"1001\"",
                "repository_owner_id:\n    anyOf: [\"1001\", \"1002\", \"1001\"]"));

        assertThat(PolicyTableLayout.partitionKeys(policy, issuer("github-actions")))
                .containsExactly("github-actions#1001", "github-actions#1002");
    }

    @Test
    void partitionKeysWhenOnlyTheSecondPinnedClaimIsPinnedThenRefusedNamingTheClaim() {
        // The compiler accepts a pin of repository_id alone; the table can not place it.
        Policy policy = compile(PolicyStoreFixtures.github("p", "1001", "123", "")
                .replace("  repository_owner_id: \"1001\"\n", ""));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PolicyTableLayout.partitionKeys(policy, issuer("github-actions")))
                .withMessageContaining("must pin repository_owner_id");
    }

    @Test
    void partitionKeysWhenSingleTenantThenTheIssuerId() {
        Policy policy = compile(PolicyStoreFixtures.cluster("c"));

        assertThat(PolicyTableLayout.partitionKeys(policy, issuer("cluster-a")))
                .containsExactly("cluster-a");
    }

    @Test
    void partitionKeyWhenIdentityHasOwnerIdThenItsPartition() {
        assertThat(PolicyTableLayout.partitionKey(githubIdentity("1001", "123"),
                issuer("github-actions"))).contains("github-actions#1001");
    }

    @Test
    void partitionKeyWhenOwnerIdMissingOrEmptyThenNone() {
        var missing = PolicyStoreFixtures.identity("github-actions", "iss", "x",
                Map.of("repository_id", new AttributeValue.Str("123")));
        var empty = PolicyStoreFixtures.identity("github-actions", "iss", "x",
                Map.of("repository_owner_id", new AttributeValue.Str("")));

        assertThat(PolicyTableLayout.partitionKey(missing, issuer("github-actions"))).isEmpty();
        assertThat(PolicyTableLayout.partitionKey(empty, issuer("github-actions"))).isEmpty();
    }

    @Test
    void partitionKeyWhenValueLongerThanDynamoDbKeysHoldThenNone() {
        String longest = "x".repeat(PolicyTableLayout.MAX_KEY_BYTES - "github-actions#".length());

        assertThat(PolicyTableLayout.partitionKey(githubIdentity(longest, "1"),
                issuer("github-actions"))).isPresent();
        assertThat(PolicyTableLayout.partitionKey(githubIdentity(longest + "x", "1"),
                issuer("github-actions"))).isEmpty();
    }

    @Test
    void partitionKeyWhenSingleTenantThenTheIssuerIdWhateverTheAttributes() {
        assertThat(PolicyTableLayout.partitionKey(PolicyStoreFixtures.clusterIdentity(),
                issuer("cluster-a"))).contains("cluster-a");
    }

    @Test
    void issuerIdOfWhenValueHoldsSeparatorsThenSplitsAtTheFirst() {
        assertThat(PolicyTableLayout.issuerIdOf("github-actions#a#b")).isEqualTo("github-actions");
        assertThat(PolicyTableLayout.issuerIdOf("cluster-a")).isEqualTo("cluster-a");
    }
}
