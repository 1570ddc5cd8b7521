// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code vend policy lint <dir>}: compiles every policy document in a folder with every guard
 * rail, against the issuer registry and the deployment's limits, and checks that each can be
 * stored in the DynamoDB policy table. Prints one line per problem, naming the file, the policy
 * and the rule. Exit status 0 when clean, 1 otherwise, 2 for a usage error.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Check every policy in a folder against the schema rules and guard rails.")
final class PolicyLintCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    PolicyOptions options;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of policy documents.")
    Path folder;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PolicyFolder loaded = PolicyFolder.loadOrReport(folder, options, out);
        if (loaded == null) {
            return 1;
        }
        loaded.problems().forEach(out::println);
        if (!loaded.clean()) {
            out.println(loaded.problems().size() + " problem(s) in " + folder);
            return 1;
        }
        out.println(loaded.sources().size() + " policies in " + folder + ": clean");
        return 0;
    }
}
