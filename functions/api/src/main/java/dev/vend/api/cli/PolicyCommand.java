// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vend policy}: lint, test and sync policy folders. See docs/policies.md. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Lint, test and sync policy folders.",
        subcommands = {PolicyLintCommand.class, PolicyTestCommand.class,
                PolicySyncCommand.class})
final class PolicyCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
