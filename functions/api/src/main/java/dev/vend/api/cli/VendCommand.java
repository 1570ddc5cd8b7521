// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vend} command: run the local server, or explain a decision offline. */
@Command(name = "vend", mixinStandardHelpOptions = true, version = "vend 0.1.0",
        description = "Workload token vending: runtime proof in, short-lived token out.",
        subcommands = {ServeCommand.class, ExplainCommand.class})
public final class VendCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status (except for {@code serve}). */
    public static void main(String[] args) {
        var commandLine = new CommandLine(new VendCommand());
        int status = commandLine.execute(args);
        if (status != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(status);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
