// SPDX-License-Identifier: Apache-2.0
package dev.vend.issue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vend.model.AttributeValue;
import dev.vend.model.AwsCredentials;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Entitlement;
import dev.vend.vend.RequestIds;
import dev.vend.verify.VendingFailure;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Mints Vend access tokens: JWTs in the RFC 9068 profile ({@code typ: at+jwt}) signed by the
 * active key. {@code sub} is built by Vend from the identity, {@code client_id} is the deciding
 * policy, and the lifetime is the policy's, cut so the token never outlives its key's publication.
 * For an entitlement to AWS credentials it assumes the policy's role through its
 * {@link CredentialsVendor} instead. Immutable and thread-safe.
 */
public final class TokenIssuer {

    /** The namespaced claim saying how the workload proved itself. */
    public static final String WORKLOAD_CLAIM = "https://vend.dev/workload";
    /** RFC 9068 §2.1 header type. */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    private final String issuerUrl;
    private final KeyRing keys;
    private final Clock clock;
    private final @Nullable CredentialsVendor credentials;

    /**
     * An issuer of access tokens only.
     *
     * @param issuerUrl Vend's issuer URL from configuration, never from a request
     * @param keys the signing keys
     * @param clock the clock for {@code iat}, {@code nbf} and {@code exp}
     */
    public TokenIssuer(String issuerUrl, KeyRing keys, Clock clock) {
        this(issuerUrl, keys, clock, null);
    }

    /**
     * An issuer of access tokens and, through the vendor, AWS credentials.
     *
     * @param credentials vends AWS credentials, or null where none can be vended
     */
    public TokenIssuer(String issuerUrl, KeyRing keys, Clock clock,
            @Nullable CredentialsVendor credentials) {
        this.issuerUrl = Objects.requireNonNull(issuerUrl, "issuerUrl");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.credentials = credentials;
    }

    /**
     * Issues one token, or AWS credentials when the entitlement carries an AWS session.
     *
     * @throws VendingFailure if signing or STS fails; no partial token is ever returned
     */
    public IssuedToken issue(VerifiedIdentity identity, Entitlement entitlement) {
        AwsSessionRequest session = entitlement.awsSession();
        if (session != null) {
            return issueCredentials(session);
        }
        if (entitlement.audiences().isEmpty()) {
            // A token without aud would be accepted by any relying party (field case BUG-07).
            throw VendingFailure.permanent("entitlement names no audience", null);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        SigningKey key = keys.active();
        // Whole seconds, as exp carries them, so expires_in and the audit record agree with it.
        Instant expiry = keys.latestExpiry(now, entitlement.lifetime())
                .truncatedTo(ChronoUnit.SECONDS);
        if (!expiry.isAfter(now)) {
            throw VendingFailure.permanent("active key's publication ends now", null);
        }
        String jti = RequestIds.nextUuid().toString();
        JWTClaimsSet claims = claims(identity, entitlement, now, expiry, jti);
        var header = new JWSHeader.Builder(key.algorithm())
                .type(ACCESS_TOKEN_TYPE).keyID(key.keyId()).build();
        var jwt = new SignedJWT(header, claims);
        sign(jwt, key);
        return new IssuedToken(jwt.serialize(), TokenTypes.ACCESS_TOKEN, "Bearer", jti, now,
                expiry, entitlement.scopes());
    }

    /**
     * AWS credentials as the RFC 8693 response carries them (DESIGN's contracts):
     * {@code token_type} {@code N_A}, the session token as {@code access_token}, and the
     * credentials for the {@code credential_process} members. The access key id stands in for
     * {@code jti}: it is not secret, and CloudTrail records it with every call the session makes.
     */
    private IssuedToken issueCredentials(AwsSessionRequest session) {
        if (credentials == null) {
            throw VendingFailure.permanent("no STS vendor is configured", null);
        }
        AwsCredentials issued = credentials.assumeRole(session);
        // Read after STS answered: expires_in counts from the response, not from before a slow
        // STS call, or it would promise the caller more time than the session has.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiry = issued.expiration().truncatedTo(ChronoUnit.SECONDS);
        return new IssuedToken(issued.sessionToken(), TokenTypes.AWS_CREDENTIALS, "N_A",
                issued.accessKeyId(), now, expiry, Set.of(), issued);
    }

    private JWTClaimsSet claims(VerifiedIdentity identity, Entitlement entitlement, Instant now,
            Instant expiry, String jti) {
        var builder = new JWTClaimsSet.Builder()
                .issuer(issuerUrl)
                .subject(identity.vendSubject())
                .audience(entitlement.audiences())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiry))
                .jwtID(jti)
                .claim("client_id", entitlement.policyId())
                .claim(WORKLOAD_CLAIM, workloadClaim(identity, entitlement));
        if (!entitlement.scopes().isEmpty()) {
            builder.claim("scope", String.join(" ", new TreeSet<>(entitlement.scopes())));
        }
        return builder.build();
    }

    private static Map<String, Object> workloadClaim(VerifiedIdentity identity,
            Entitlement entitlement) {
        var attributes = new LinkedHashMap<String, Object>();
        for (Map.Entry<String, AttributeValue> entry : entitlement.carried().entrySet()) {
            attributes.put(entry.getKey(), entry.getValue().toJson());
        }
        var claim = new LinkedHashMap<String, Object>();
        claim.put("source", identity.source().id());
        claim.put("issuer", identity.issuer());
        claim.put("issuer_id", identity.issuerId());
        claim.put("policy_id", entitlement.policyId());
        claim.put("attributes", attributes);
        return claim;
    }

    private static void sign(SignedJWT jwt, SigningKey key) {
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            // A KMS signer reports a classified failure (transient throttle, permanent disabled
            // key); Nimbus wraps unchecked exceptions from signers into a JOSEException.
            VendingFailure classified = classifiedCause(e);
            if (classified != null) {
                throw classified;
            }
            throw VendingFailure.permanent("signing failed with " + key.reference(), e);
        }
    }

    private static @Nullable VendingFailure classifiedCause(Throwable thrown) {
        Throwable current = thrown.getCause();
        // Bounded, in case a library builds a cause cycle.
        for (int depth = 0; depth < 8 && current != null; depth++) {
            if (current instanceof VendingFailure failure) {
                return failure;
            }
            current = current.getCause();
        }
        return null;
    }
}
