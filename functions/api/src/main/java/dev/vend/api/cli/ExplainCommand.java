// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import dev.vend.api.wiring.VendAssembly;
import dev.vend.api.wiring.VendSettings;
import dev.vend.audit.AuditLog;
import dev.vend.model.Attestation;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.policy.Decision;
import dev.vend.policy.PolicyOutcome;
import dev.vend.vend.Explanation;
import dev.vend.verify.DenialException;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.VendingFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vend explain}: verifies one proof offline at a given instant and prints the verified
 * identity and, for each candidate policy, which condition held or failed. For operators only:
 * nothing of this ever reaches a caller, nothing is issued, no challenge or jti is consumed.
 * Exits 0 when a policy allows, 1 when policy denies, 2 when the proof is refused and 3 when it
 * could not be verified.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Verify a proof offline and show how each policy decides.")
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    LocalOptions local;

    @Option(names = "--token-file", paramLabel = "FILE", required = true,
            description = "File holding the subject token ('-' for standard input).")
    String tokenFile;

    @Option(names = "--token-type", defaultValue = TokenTypes.JWT,
            description = "subject_token_type (default: ${DEFAULT-VALUE}).")
    String tokenType;

    @Option(names = "--at", paramLabel = "INSTANT",
            description = "Verify as of this instant: ISO-8601 or epoch seconds (default: now).")
    String at;

    @Option(names = "--audience", description = "Requested audience (repeatable).")
    List<String> audiences = List.of();

    @Option(names = "--scope", description = "Requested scope, space-separated.")
    String scope;

    @Override
    public Integer call() throws IOException {
        Clock clock = Clock.fixed(instant(), ZoneOffset.UTC);
        String token = readToken();
        // Building the pipeline needs a signing key; explain never signs, so a throwaway one in
        // a scratch folder serves and is removed afterwards.
        Path scratch = Files.createTempDirectory("vend-explain");
        try {
            var assembly = VendAssembly.build(settings(scratch), new VendAssembly.Environment(
                    clock, new InMemorySingleUseStore(), AuditLog.discarding(),
                    HttpsFetcher.withDefaultTrust()));
            var request = new TokenRequest("explain", new Attestation(tokenType, token),
                    audiences, scope == null ? Set.of() : Set.of(scope.split(" ")), null);
            System.out.println("verifying as of " + clock.instant());
            return explain(assembly, request, System.out);
        } finally {
            deleteRecursively(scratch);
        }
    }

    private VendSettings settings(Path scratch) {
        return new VendSettings(
                local.issuerUrl != null ? local.issuerUrl : "http://localhost:8080",
                local.issuers == null ? null : local.issuers.toString(),
                local.policies.toString(), scratch.toString(), "ES256", null, null, null, 300,
                local.maxLifetimeSeconds, null);
    }

    /** Exit status: 0 allow, 1 denied by policy, 2 refused at verification, 3 not verifiable. */
    private static int explain(VendAssembly assembly, TokenRequest request, PrintStream out) {
        try {
            Explanation explanation = assembly.service().explain(request);
            print(explanation, out);
            return explanation.decision() instanceof Decision.Allow ? 0 : 1;
        } catch (DenialException denial) {
            out.println("refused: " + denial.reason().code() + " (" + denial.detail() + ")");
            return 2;
        } catch (VendingFailure failure) {
            out.println("could not verify: " + failure.kind().code() + " (" + failure.getMessage()
                    + ")");
            return 3;
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private Instant instant() {
        if (at == null) {
            return Instant.now();
        }
        return at.chars().allMatch(Character::isDigit)
                ? Instant.ofEpochSecond(Long.parseLong(at)) : Instant.parse(at);
    }

    /**
     * The token without surrounding white space, which the server does not forgive: a note on
     * standard error says so, so an explanation of "allow" is not mistaken for what the server
     * would answer to the file as it is.
     */
    private String readToken() throws IOException {
        byte[] bytes = "-".equals(tokenFile) ? System.in.readAllBytes()
                : Files.readAllBytes(Path.of(tokenFile));
        String read = new String(bytes, StandardCharsets.UTF_8);
        String token = read.strip();
        if (!token.equals(read)) {
            System.err.println("note: the token file has white space around the token (a"
                    + " trailing newline?); explained without it, but the server refuses a"
                    + " subject_token sent with it");
        }
        return token;
    }

    private static void print(Explanation explanation, PrintStream out) {
        var identity = explanation.identity();
        out.println("verified identity");
        out.println("  source    " + identity.source().id());
        out.println("  issuer    " + identity.issuer() + " (" + identity.issuerId() + ")");
        out.println("  subject   " + identity.vendSubject());
        out.println("  expires   " + identity.evidenceExpiresAt());
        out.println("attributes");
        for (Map.Entry<String, AttributeValue> entry : identity.attributes().entrySet()) {
            out.println("  " + entry.getKey() + " = " + render(entry.getValue()));
        }
        out.println("policies");
        for (PolicyOutcome outcome : explanation.decision().outcomes()) {
            out.println("  " + outcome.policyId() + " (" + outcome.mode().name().toLowerCase()
                    + ") " + verdict(outcome));
            for (PolicyOutcome.ConditionResult result : outcome.conditions()) {
                out.println("    " + (result.held() ? "held    " : "FAILED  ") + result.attribute()
                        + " " + result.rule());
            }
        }
        out.println("decision: " + decision(explanation.decision()));
    }

    private static String verdict(PolicyOutcome outcome) {
        if (!outcome.matched()) {
            return "does not match";
        }
        return outcome.refusal() == null ? "matches and entitles the request"
                : "matches but refuses the request: " + outcome.refusal().code();
    }

    private static String decision(Decision decision) {
        if (decision instanceof Decision.Allow allow) {
            return "allow by " + allow.entitlement().policyId() + ", audience "
                    + allow.entitlement().audiences() + ", scopes " + allow.entitlement().scopes()
                    + ", lifetime " + allow.entitlement().lifetime().toSeconds() + " s";
        }
        return "deny (" + ((Decision.Deny) decision).reason().code() + ")";
    }

    private static String render(AttributeValue value) {
        Object json = value.toJson();
        return json instanceof String s ? "\"" + s + "\"" : String.valueOf(json);
    }
}
