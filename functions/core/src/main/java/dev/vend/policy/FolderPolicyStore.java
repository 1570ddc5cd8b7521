// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.model.VerifiedIdentity;
import dev.vend.parse.YamlDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Policies read from a folder of {@code .yaml}, {@code .yml} and {@code .json} documents, for the
 * local server and for {@code vend policy lint}. Every document is compiled at load; one bad
 * document refuses the whole folder, listing every problem. Each issuer's policies are indexed on
 * the attribute most of them pin exactly, so a request evaluates only the policies that could
 * match it. Immutable and thread-safe.
 *
 * <p><strong>Limitation:</strong> the folder is read once at start; a changed policy takes effect
 * when the local server restarts.
 */
public final class FolderPolicyStore implements PolicyStore {

    private final Map<String, List<Policy>> byIssuer;
    private final Map<String, PolicyIndex> indexes;

    private FolderPolicyStore(List<Policy> policies) {
        this.byIssuer = policies.stream().collect(Collectors.groupingBy(Policy::issuerId,
                Collectors.collectingAndThen(Collectors.toList(), List::copyOf)));
        this.indexes = byIssuer.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, entry -> PolicyIndex.of(entry.getValue())));
    }

    /**
     * Loads and compiles every policy document directly in a folder.
     *
     * @throws PolicyException listing every problem in every document
     */
    public static FolderPolicyStore load(Path folder, PolicyCompiler compiler) {
        var policies = new ArrayList<Policy>();
        var problems = new ArrayList<String>();
        var ids = new HashSet<String>();
        for (Path file : documents(folder, problems)) {
            try {
                Policy policy = compiler.compile(YamlDocuments.readMapping(file), file.toString());
                if (!ids.add(policy.id())) {
                    problems.add(file + ": policy id " + policy.id() + " is used twice");
                }
                policies.add(policy);
            } catch (PolicyException e) {
                problems.addAll(e.problems());
            } catch (YamlDocuments.DocumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new FolderPolicyStore(policies);
    }

    /**
     * A store of already compiled policies, for {@code vend policy test} and embedding.
     *
     * @param policies compiled policies; ids should be unique
     */
    public static FolderPolicyStore of(List<Policy> policies) {
        return new FolderPolicyStore(List.copyOf(policies));
    }

    /**
     * The policy documents directly in a folder, sorted: {@code .yaml}, {@code .yml} and
     * {@code .json} files except {@code *.schema.json}. Subfolders are not read.
     *
     * @throws PolicyException if the folder can not be read
     */
    public static List<Path> documentFiles(Path folder) {
        var problems = new ArrayList<String>();
        List<Path> files = documents(folder, problems);
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return files;
    }

    /** Every policy, sorted by id. */
    public List<Policy> all() {
        return byIssuer.values().stream().flatMap(List::stream)
                .sorted(java.util.Comparator.comparing(Policy::id)).toList();
    }

    @Override
    public List<Policy> candidates(VerifiedIdentity identity) {
        PolicyIndex index = indexes.get(identity.issuerId());
        return index == null ? List.of() : index.candidates(identity);
    }

    @Override
    public List<Policy> forExplanation(VerifiedIdentity identity) {
        return byIssuer.getOrDefault(identity.issuerId(), List.of());
    }

    private static List<Path> documents(Path folder, List<String> problems) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().matches(".*\\.(ya?ml|json)"))
                    .filter(file -> !file.getFileName().toString().endsWith(".schema.json"))
                    .sorted().toList();
        } catch (IOException e) {
            problems.add(folder + ": policy folder can not be read");
            return List.of();
        }
    }
}
