// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import dev.vend.aws.AwsFailures;
import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.policy.PolicyTableSync;
import dev.vend.verify.VendingFailure;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;

/**
 * {@code vend policy sync <dir> --table NAME}: makes the DynamoDB policy table hold exactly the
 * folder's policies (docs/policies.md has the layout): writes new and changed ones, deletes the
 * items of policies no longer in the folder. The folder must lint clean first; nothing is written
 * otherwise. {@code --dry-run} prints the changes and writes nothing. Credentials and region come
 * from the AWS SDK's default chains. Exit status 0 on success, 1 on problems or failures.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Write a policy folder into the DynamoDB policy table.")
final class PolicySyncCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    PolicyOptions options;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of policy documents.")
    Path folder;

    @Option(names = "--table", paramLabel = "NAME", required = true,
            description = "The policy table's name.")
    String table;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "A DynamoDB endpoint instead of the region's (dynalite, LocalStack).")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: the SDK's region chain, e.g. AWS_REGION).")
    String region;

    @Option(names = "--dry-run", description = "Print the changes; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PolicyFolder loaded = PolicyFolder.loadClean(folder, options, out, "synced");
        if (loaded == null) {
            return 1;
        }
        return sync(loaded, out);
    }

    private int sync(PolicyFolder loaded, PrintWriter out) {
        var builder = DynamoDbClients.builder(endpoint);
        if (region != null) {
            builder.region(Region.of(region));
        }
        try (var client = builder.build()) {
            var sync = new PolicyTableSync(client, table);
            List<PolicyTableSync.Change> changes = sync.plan(loaded.sources(), loaded.compiler());
            changes.forEach(change -> out.println(change.describe()));
            if (dryRun) {
                out.println("dry run: " + changes.size() + " change(s) to " + table
                        + ", nothing written");
                return 0;
            }
            sync.apply(changes, loaded.sources(), loaded.compiler());
            out.println("synced " + loaded.sources().size() + " policies to " + table + ": "
                    + changes.size() + " change(s)");
            return 0;
        } catch (VendingFailure e) {
            // Sanitised by AwsFailures: the AWS error code and status, never the AWS message.
            out.println("sync failed: " + e.getMessage());
            return 1;
        } catch (SdkException e) {
            // A client that could not be built: no region or no credentials. Class names only.
            out.println("sync failed: " + AwsFailures.describe(e)
                    + " (check --region or AWS_REGION, and the AWS credentials)");
            return 1;
        }
    }
}
