// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.cli;

import dev.vend.model.Attestation;
import dev.vend.model.AttributeType;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.parse.Fields;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.Decision;
import dev.vend.policy.PolicyEngine;
import dev.vend.policy.PolicyOutcome;
import dev.vend.verify.ClaimSpec;
import dev.vend.verify.IssuerConfig;
import dev.vend.verify.IssuerRegistry;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vend policy test <dir> --cases FILE}: evaluates a policy folder against sample verified
 * identities with expected outcomes, like {@code opa test}. Each case names an issuer, the
 * verified attributes, the requested audiences and scopes, and whether the request is allowed
 * (and by which policy) or denied (optionally with which reason). Attributes are typed as the
 * issuer's preset declares them; a value of another type is dropped, as the verifier drops it.
 * Prints PASS or FAIL per case. Exit status 0 when every case passes, 1 otherwise.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run a policy folder against sample identities with expected outcomes.")
final class PolicyTestCommand implements Callable<Integer> {

    private static final Set<String> FIELDS = Set.of("name", "issuer", "attributes",
            "audiences", "scopes", "expect", "policy", "reason");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    PolicyOptions options;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of policy documents.")
    Path folder;

    @Option(names = "--cases", paramLabel = "FILE", required = true,
            description = "YAML file of test cases (see docs/policies.md).")
    Path casesFile;

    /** One sample request and what must come of it. */
    private record Case(String name, VerifiedIdentity identity, TokenRequest request,
            boolean allow, @Nullable String policy, @Nullable String reason) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PolicyFolder loaded = PolicyFolder.loadClean(folder, options, out, "tested");
        if (loaded == null) {
            return 1;
        }
        var problems = new ArrayList<String>();
        List<Case> cases = readCases(loaded.compiler().issuers(), problems);
        if (!problems.isEmpty()) {
            problems.forEach(out::println);
            return 1;
        }
        var engine = new PolicyEngine(loaded.store());
        int failed = 0;
        for (Case c : cases) {
            String failure = check(c, engine.evaluate(c.identity(), c.request()));
            out.println(failure == null ? "PASS " + c.name() : "FAIL " + c.name() + ": " + failure);
            failed += failure == null ? 0 : 1;
        }
        out.println((cases.size() - failed) + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    /** Why the decision is not the expected one, or null when it is. */
    private static @Nullable String check(Case c, Decision decision) {
        if (decision instanceof Decision.Allow allow) {
            String by = allow.entitlement().policyId();
            if (!c.allow()) {
                return "expected deny, got allow by " + by;
            }
            return c.policy() == null || c.policy().equals(by) ? null
                    : "expected allow by " + c.policy() + ", got allow by " + by;
        }
        String reason = ((Decision.Deny) decision).reason().code();
        if (c.allow()) {
            return "expected allow" + (c.policy() == null ? "" : " by " + c.policy())
                    + ", got deny (" + reason + ")" + matched(decision);
        }
        if (c.reason() != null && !c.reason().equals(reason)) {
            return "expected deny (" + c.reason() + "), got deny (" + reason + ")";
        }
        boolean named = c.policy() == null || decision.outcomes().stream()
                .anyMatch(o -> o.policyId().equals(c.policy()) && o.matched());
        return named ? null : "expected policy " + c.policy() + " to match and refuse, but it "
                + "did not match" + matched(decision);
    }

    private static String matched(Decision decision) {
        String names = decision.outcomes().stream().filter(PolicyOutcome::matched)
                .map(PolicyOutcome::policyId).collect(Collectors.joining(", "));
        return names.isEmpty() ? "; no policy matched" : "; matched: " + names;
    }

    private List<Case> readCases(IssuerRegistry issuers, List<String> problems) {
        Map<String, Object> document;
        try {
            document = YamlDocuments.readMapping(casesFile);
        } catch (YamlDocuments.DocumentException e) {
            problems.add(e.getMessage());
            return List.of();
        }
        var root = new Fields(document, casesFile.toString(), problems);
        root.allowOnly(Set.of("cases"));
        var cases = new ArrayList<Case>();
        int index = 0;
        for (Map<String, Object> raw : root.mappings("cases")) {
            String name = raw.get("name") instanceof String s ? s : "cases[" + index + "]";
            var f = new Fields(raw, casesFile + ": case '" + name + "'", problems);
            Case c = readCase(f, name, index++, issuers);
            if (c != null) {
                cases.add(c);
            }
        }
        if (cases.isEmpty() && problems.isEmpty()) {
            problems.add(casesFile + ": no cases");
        }
        return cases;
    }

    private static @Nullable Case readCase(Fields f, String name, int index,
            IssuerRegistry issuers) {
        f.allowOnly(FIELDS);
        String issuerId = f.requiredString("issuer");
        IssuerConfig issuer = issuers.byId(issuerId).orElse(null);
        if (issuer == null) {
            f.problem("issuer '" + issuerId + "' is not in the issuer registry");
            return null;
        }
        String expect = f.requiredString("expect");
        if (!expect.equals("allow") && !expect.equals("deny")) {
            f.problem("expect must be allow or deny");
            return null;
        }
        Map<String, AttributeValue> attributes = attributes(f, issuer);
        var request = new TokenRequest("%032d".formatted(index),
                new Attestation(TokenTypes.JWT, "policy-test:" + name), f.strings("audiences"),
                new LinkedHashSet<>(f.strings("scopes")), null);
        return new Case(name, identity(issuer, attributes, name), request,
                expect.equals("allow"), f.optionalString("policy").orElse(null),
                f.optionalString("reason").orElse(null));
    }

    private static Map<String, AttributeValue> attributes(Fields f, IssuerConfig issuer) {
        Map<String, ClaimSpec> catalog = new LinkedHashMap<>();
        issuer.claimCatalog().forEach(spec -> catalog.put(spec.attribute(), spec));
        var out = new LinkedHashMap<String, AttributeValue>();
        f.mapping("attributes").forEach((attribute, raw) -> {
            ClaimSpec spec = catalog.get(attribute);
            if (spec == null) {
                f.problem("attribute '" + attribute + "' is not provided by issuer " + issuer.id());
                return;
            }
            AttributeValue value = typed(raw, spec.type());
            if (value != null) {
                out.put(attribute, value);
            }
        });
        return out;
    }

    /** The value as the verifier types it, or null (absent) when it has another type. */
    private static @Nullable AttributeValue typed(@Nullable Object raw, AttributeType type) {
        if (type == AttributeType.STRING && raw instanceof String s) {
            return new AttributeValue.Str(s);
        }
        if (type == AttributeType.NUMBER && raw instanceof Number n) {
            return new AttributeValue.Num(new BigDecimal(n.toString()));
        }
        if (type == AttributeType.BOOLEAN && raw instanceof Boolean b) {
            return new AttributeValue.Bool(b);
        }
        if (type == AttributeType.STRING_LIST && raw instanceof List<?> list
                && list.stream().allMatch(String.class::isInstance)) {
            return new AttributeValue.StrList(list.stream().map(String.class::cast).toList());
        }
        return null;
    }

    private static VerifiedIdentity identity(IssuerConfig issuer,
            Map<String, AttributeValue> attributes, String name) {
        var ids = new ArrayList<String>();
        for (String claim : issuer.preset().immutableIdClaims()) {
            AttributeValue value = attributes.get(claim);
            ids.add(value == null ? "-" : String.valueOf(value.toJson()));
        }
        return new VerifiedIdentity(issuer.preset().source(), issuer.id(), issuer.issuer(),
                String.join(":", ids), attributes, Instant.EPOCH,
                Attestation.sha256Hex("policy-test:" + name));
    }
}
