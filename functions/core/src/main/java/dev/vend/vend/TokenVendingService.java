// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import dev.vend.audit.AuditLog;
import dev.vend.audit.AuditRecorder;
import dev.vend.issue.TokenIssuer;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenRequest;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Decision;
import dev.vend.policy.Entitlement;
import dev.vend.policy.PolicyEngine;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.VendingFailure;
import dev.vend.verify.VerifierRegistry;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vend's whole flow for one parsed request: verify the attestation, evaluate policy, issue the
 * token, and record exactly one audit event whatever happens. The only place a
 * {@link Decision.Deny} becomes a {@link DenialException}. Immutable and thread-safe.
 */
public final class TokenVendingService {

    private static final Logger LOG = LoggerFactory.getLogger(TokenVendingService.class);

    private final VerifierRegistry verifiers;
    private final PolicyEngine policies;
    private final TokenIssuer issuer;
    private final AuditLog auditLog;
    private final Clock clock;

    /**
     * The service's collaborators.
     *
     * @param verifiers routes each attestation to its verifier
     * @param policies the policy engine
     * @param issuer mints tokens
     * @param auditLog receives one event per request
     * @param clock measures latency
     */
    public record Parts(VerifierRegistry verifiers, PolicyEngine policies, TokenIssuer issuer,
            AuditLog auditLog, Clock clock) {
    }

    public TokenVendingService(Parts parts) {
        this.verifiers = Objects.requireNonNull(parts.verifiers(), "verifiers");
        this.policies = Objects.requireNonNull(parts.policies(), "policies");
        this.issuer = Objects.requireNonNull(parts.issuer(), "issuer");
        this.auditLog = Objects.requireNonNull(parts.auditLog(), "auditLog");
        this.clock = Objects.requireNonNull(parts.clock(), "clock");
    }

    /**
     * Vends one token.
     *
     * @throws DenialException if the proof or the policy refuses the request
     * @throws VendingFailure if Vend or a dependency failed; nothing was issued
     */
    public IssuedToken vend(TokenRequest request) {
        var audit = AuditRecorder.begin(request.requestId(), "token", clock);
        try {
            audit.request(request);
            VerifiedIdentity identity = verifiers.verify(request.attestation());
            audit.identified(identity);

            Decision decision = policies.evaluate(identity, request);
            audit.decided(decision);
            Entitlement entitlement = requireAllowed(decision);

            IssuedToken token = issuer.issue(identity, entitlement);
            audit.issued(token, entitlement.audiences());
            return token;
        } catch (DenialException denial) {
            denial.identity().ifPresent(audit::identified);
            audit.denied(denial.reason());
            throw denial;
        } catch (VendingFailure failure) {
            audit.failed(failure.kind());
            LOG.error("vend failed ({}): {}", failure.kind().code(), failure.getMessage());
            throw failure;
        } catch (RuntimeException bug) {
            VendingFailure failure = VendingFailure.permanent("unexpected " + bug.getClass(), bug);
            audit.failed(failure.kind());
            LOG.error("vend failed unexpectedly: {}", bug.getClass().getName());
            throw failure;
        } finally {
            auditLog.record(audit.end());
        }
    }

    /**
     * Verifies and evaluates without issuing or recording anything: for {@code vend explain},
     * which operators run offline. Never reachable from the API.
     */
    public Explanation explain(TokenRequest request) {
        VerifiedIdentity identity = verifiers.verify(request.attestation());
        return new Explanation(identity, policies.explain(identity, request));
    }

    private static Entitlement requireAllowed(Decision decision) {
        if (decision instanceof Decision.Allow allow) {
            return allow.entitlement();
        }
        DenialReason reason = ((Decision.Deny) decision).reason();
        throw new DenialException(reason, "policy refused");
    }
}
