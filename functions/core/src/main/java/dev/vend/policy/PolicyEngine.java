// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import dev.vend.issue.AwsSessionRequest;
import dev.vend.model.AttributeValue;
import dev.vend.model.TokenRequest;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.DenialReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a verified identity may be issued. Default deny: with no enforcing policy that
 * matches and entitles the request, the answer is {@link Decision.Deny}. Among those that do, the
 * highest {@code priority} wins, then the lowest id. Audit-mode policies are evaluated and
 * recorded but never issue. Immutable and thread-safe.
 */
public final class PolicyEngine {

    private static final Comparator<Policy> PRECEDENCE = Comparator
            .comparingInt(Policy::priority).reversed()
            .thenComparing(Policy::id);

    private final PolicyStore store;

    public PolicyEngine(PolicyStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Evaluates every candidate policy for one request.
     *
     * @throws dev.vend.verify.VendingFailure if the policy store can not answer
     */
    public Decision evaluate(VerifiedIdentity identity, TokenRequest request) {
        return decide(store.candidates(identity), identity, request);
    }

    /**
     * Evaluates every policy the store shows an operator for the identity (for
     * {@code vend explain}); decides exactly as {@link #evaluate} does.
     */
    public Decision explain(VerifiedIdentity identity, TokenRequest request) {
        return decide(store.forExplanation(identity), identity, request);
    }

    private Decision decide(List<Policy> found, VerifiedIdentity identity, TokenRequest request) {
        var outcomes = new ArrayList<PolicyOutcome>();
        var entitling = new ArrayList<Policy>();
        // In precedence order, so outcomes and the reported denial reason never depend on the
        // order a store happens to return candidates in.
        List<Policy> candidates = found.stream()
                .filter(policy -> policy.issuerId().equals(identity.issuerId()))
                .sorted(PRECEDENCE)
                .toList();
        for (Policy policy : candidates) {
            PolicyOutcome outcome = outcomeOf(policy, identity, request);
            outcomes.add(outcome);
            if (outcome.entitles() && policy.mode() == Policy.Mode.ENFORCE) {
                entitling.add(policy);
            }
        }
        Optional<Policy> winner = entitling.stream().min(PRECEDENCE);
        if (winner.isPresent()) {
            return new Decision.Allow(entitlement(winner.get(), identity, request), outcomes);
        }
        return new Decision.Deny(denialReason(outcomes), outcomes);
    }

    private static PolicyOutcome outcomeOf(Policy policy, VerifiedIdentity identity,
            TokenRequest request) {
        var results = new ArrayList<PolicyOutcome.ConditionResult>();
        boolean matched = !policy.disabled() && !policy.conditions().isEmpty();
        for (Condition condition : policy.conditions()) {
            boolean held = condition.matches(identity.attribute(condition.attribute()));
            results.add(new PolicyOutcome.ConditionResult(
                    condition.attribute(), condition.matcher().describe(), held));
            matched &= held;
        }
        DenialReason refusal = matched ? refusal(policy, identity, request) : null;
        return new PolicyOutcome(policy.id(), policy.version(), policy.mode(), results, matched,
                refusal);
    }

    /** Why a matching policy does not entitle the request, or null if it does. */
    private static DenialReason refusal(Policy policy, VerifiedIdentity identity,
            TokenRequest request) {
        if (TokenTypes.AWS_CREDENTIALS.equals(request.requestedTokenTypeOrDefault())) {
            // No awsRole, or a session value STS would refuse (a missing or list attribute, a
            // character outside STS's set): a refusal at evaluate time, never a 500.
            return policy.awsRole() == null
                    || policy.awsRole().sessionFor(policy.id(), identity).isEmpty()
                    ? DenialReason.TOKEN_TYPE_NOT_ENTITLED : null;
        }
        if (!TokenTypes.ACCESS_TOKEN.equals(request.requestedTokenTypeOrDefault())) {
            return DenialReason.TOKEN_TYPE_NOT_ENTITLED;
        }
        if (request.audiences().isEmpty() && policy.audiences().size() != 1) {
            return DenialReason.AUDIENCE_REQUIRED;
        }
        if (!policy.audiences().containsAll(request.audiences())) {
            return DenialReason.AUDIENCE_NOT_ENTITLED;
        }
        if (!request.scopes().isEmpty() && grantedScopes(policy, request).isEmpty()) {
            return DenialReason.SCOPE_NOT_ENTITLED;
        }
        return null;
    }

    private static DenialReason denialReason(List<PolicyOutcome> outcomes) {
        return outcomes.stream()
                .filter(o -> o.matched() && o.mode() == Policy.Mode.ENFORCE)
                .map(PolicyOutcome::refusal)
                .filter(Objects::nonNull)
                .findFirst()
                .orElseGet(() -> outcomes.stream().anyMatch(PolicyOutcome::entitles)
                        ? DenialReason.AUDIT_MODE_ONLY : DenialReason.NO_MATCHING_POLICY);
    }

    private static Entitlement entitlement(Policy policy, VerifiedIdentity identity,
            TokenRequest request) {
        List<String> audiences = request.audiences().isEmpty()
                ? policy.audiences() : request.audiences();
        Map<String, AttributeValue> carried = new LinkedHashMap<>();
        for (String name : policy.carry()) {
            identity.attribute(name).ifPresent(value -> carried.put(name, value));
        }
        if (TokenTypes.AWS_CREDENTIALS.equals(request.requestedTokenTypeOrDefault())) {
            // refusal() has checked that the session resolves.
            AwsSessionRequest session = Objects.requireNonNull(policy.awsRole())
                    .sessionFor(policy.id(), identity).orElseThrow();
            return new Entitlement(policy.id(), policy.version(), List.of(), Set.of(),
                    session.duration(), carried, session);
        }
        return new Entitlement(policy.id(), policy.version(), audiences,
                grantedScopes(policy, request), policy.maxLifetime(), carried);
    }

    private static Set<String> grantedScopes(Policy policy, TokenRequest request) {
        if (request.scopes().isEmpty()) {
            return policy.scopes();
        }
        var granted = new LinkedHashSet<>(request.scopes());
        granted.retainAll(policy.scopes());
        return granted;
    }
}
