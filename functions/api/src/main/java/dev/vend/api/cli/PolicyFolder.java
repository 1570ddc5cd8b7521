// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import dev.vend.api.wiring.VendAssembly;
import dev.vend.aws.policy.PolicyTableLayout;
import dev.vend.aws.policy.PolicyTableSync;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.Policy;
import dev.vend.policy.PolicyCompiler;
import dev.vend.policy.PolicyException;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.IssuerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A policy folder as the {@code vend policy} commands see it: every document compiled against
 * the issuer registry with every guard rail, and checked against the DynamoDB table layout, with
 * one readable problem per line naming the file, the policy and the rule. Immutable.
 *
 * @param compiler the compiler the folder was checked with
 * @param sources each policy that compiled, with its document, in file order
 * @param problems every problem found; empty when the folder is clean
 */
record PolicyFolder(PolicyCompiler compiler, List<PolicyTableSync.Source> sources,
        List<String> problems) {

    PolicyFolder {
        sources = List.copyOf(sources);
        problems = List.copyOf(problems);
    }

    /** Whether every document compiled and can be stored. */
    boolean clean() {
        return problems.isEmpty();
    }

    /** The compiled policies. */
    List<Policy> policies() {
        return sources.stream().map(PolicyTableSync.Source::policy).toList();
    }

    /** A store of the compiled policies, for evaluation. */
    FolderPolicyStore store() {
        return FolderPolicyStore.of(policies());
    }

    /**
     * Loads the folder for a command, printing registry problems instead of throwing.
     *
     * @return the loaded folder, or null when the issuer registry itself is invalid
     */
    static @Nullable PolicyFolder loadOrReport(Path folder, PolicyOptions options,
            PrintWriter out) {
        try {
            return load(folder, options);
        } catch (InvalidConfigurationException e) {
            e.problems().forEach(problem -> out.println("issuer registry: " + problem));
            return null;
        }
    }

    /**
     * Loads the folder for a command that needs every policy valid, printing the problems and
     * "{@code not <what>}" when there are any.
     *
     * @return the loaded folder, or null when anything is wrong
     */
    static @Nullable PolicyFolder loadClean(Path folder, PolicyOptions options, PrintWriter out,
            String what) {
        PolicyFolder loaded = loadOrReport(folder, options, out);
        if (loaded != null && !loaded.clean()) {
            loaded.problems().forEach(out::println);
            out.println("not " + what + ": " + loaded.problems().size() + " problem(s) in "
                    + folder);
            return null;
        }
        return loaded;
    }

    /**
     * Reads, compiles and checks every document directly in the folder.
     *
     * @throws InvalidConfigurationException if the issuer registry is invalid
     */
    static PolicyFolder load(Path folder, PolicyOptions options) {
        PolicyCompiler compiler = new PolicyCompiler(registry(options),
                new PolicyCompiler.Limits(options.issuerUrl,
                        Duration.ofSeconds(options.maxLifetimeSeconds)));
        var sources = new ArrayList<PolicyTableSync.Source>();
        var problems = new ArrayList<String>();
        List<Path> files;
        try {
            files = FolderPolicyStore.documentFiles(folder);
        } catch (PolicyException e) {
            return new PolicyFolder(compiler, List.of(), e.problems());
        }
        if (files.isEmpty()) {
            problems.add(folder + ": no policy documents (.yaml, .yml, .json)");
        }
        var ids = new HashMap<String, Path>();
        for (Path file : files) {
            try {
                Map<String, Object> document = YamlDocuments.readMapping(file);
                Policy policy = compiler.compile(document, file.toString());
                Path first = ids.putIfAbsent(policy.id(), file);
                if (first != null) {
                    problems.add("policy " + policy.id() + " (" + file + "): id already used by "
                            + first);
                    continue;
                }
                checkLayout(compiler, policy, file, problems);
                sources.add(new PolicyTableSync.Source(policy, document));
            } catch (PolicyException e) {
                problems.addAll(e.problems());
            } catch (YamlDocuments.DocumentException e) {
                problems.add(e.getMessage());
            }
        }
        return new PolicyFolder(compiler, sources, problems);
    }

    /** The DynamoDB store's extra rule: a multi-tenant policy pins the partition claim. */
    private static void checkLayout(PolicyCompiler compiler, Policy policy, Path file,
            List<String> problems) {
        IssuerConfig issuer = compiler.issuers().byId(policy.issuerId()).orElseThrow();
        try {
            PolicyTableLayout.partitionKeys(policy, issuer);
        } catch (IllegalArgumentException e) {
            problems.add("policy " + policy.id() + " (" + file + "): " + e.getMessage());
        }
    }

    /**
     * The issuer registry: the entries of every {@code --issuers} file, or the embedded default.
     * Each file is checked on its own; across files each id and issuer may appear once.
     */
    static IssuerRegistry registry(PolicyOptions options) {
        var problems = new ArrayList<String>();
        var entries = new ArrayList<IssuerConfig>();
        try {
            if (options.issuers.isEmpty()) {
                var document = YamlDocuments.parseMapping(embeddedDefault(),
                        VendAssembly.DEFAULT_ISSUERS);
                entries.addAll(IssuerRegistry.fromDocument(document,
                        settings(options, Path.of("").toAbsolutePath())).entries());
            }
            for (Path file : options.issuers) {
                Path absolute = file.toAbsolutePath();
                entries.addAll(IssuerRegistry.fromDocument(YamlDocuments.readMapping(absolute),
                        settings(options, absolute.getParent())).entries());
            }
        } catch (YamlDocuments.DocumentException e) {
            throw new InvalidConfigurationException(List.of(e.getMessage()));
        }
        var ids = new HashSet<String>();
        var issuers = new HashSet<String>();
        for (IssuerConfig entry : entries) {
            if (!ids.add(entry.id())) {
                problems.add("issuer id " + entry.id() + " is registered in two files");
            }
            if (!issuers.add(entry.issuer())) {
                problems.add("issuer " + entry.issuer() + " is registered in two files");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return IssuerRegistry.of(entries);
    }

    private static IssuerRegistry.Settings settings(PolicyOptions options, Path baseDir) {
        return new IssuerRegistry.Settings(options.issuerUrl, baseDir);
    }

    private static String embeddedDefault() {
        try (InputStream in = VendAssembly.class.getClassLoader()
                .getResourceAsStream(VendAssembly.DEFAULT_ISSUERS)) {
            return new String(Objects.requireNonNull(in, VendAssembly.DEFAULT_ISSUERS)
                    .readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
