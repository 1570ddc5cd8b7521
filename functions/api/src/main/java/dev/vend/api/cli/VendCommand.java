// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import dev.vend.policy.PolicyException;
import dev.vend.verify.InvalidConfigurationException;
import java.net.BindException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vend} command: run the local server, explain a decision offline, or lint, test and
 * sync policies.
 */
@Command(name = "vend", mixinStandardHelpOptions = true, version = "vend 0.1.0",
        description = "Workload token vending: runtime proof in, short-lived token out.",
        subcommands = {ServeCommand.class, ExplainCommand.class, PolicyCommand.class})
public final class VendCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status (except for {@code serve}). */
    public static void main(String[] args) {
        var commandLine = new CommandLine(new VendCommand())
                .setExecutionExceptionHandler(VendCommand::reportWithoutTrace);
        int status = commandLine.execute(args);
        if (status != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(status);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Configuration and input problems are reported as one readable message, not a stack trace:
     * the innermost cause that Vend raised names the file and the rule.
     */
    static int reportWithoutTrace(Exception failure, CommandLine commandLine,
            CommandLine.ParseResult parseResult) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof InvalidConfigurationException)
                && !(cause instanceof PolicyException)) {
            cause = cause.getCause();
        }
        String message = cause instanceof NoSuchFileException missing
                ? "no such file: " + missing.getFile()
                : cause instanceof BindException ? "the port is already in use"
                : String.valueOf(cause.getMessage());
        commandLine.getErr().println("vend " + commandLine.getCommandName() + ": " + message);
        return 2;
    }
}
