// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Real signed JWTs for tests: a fluent {@link Builder} for well-formed tokens, and
 * {@link #signRaw(String, String, JWK)} for tokens whose JSON is deliberately odd.
 *
 * <p>Both sign with Nimbus signers ({@code RSASSASigner} for RS256/RS384/RS512/PS256/PS384/PS512,
 * {@code ECDSASigner} for ES256/ES384/ES512, {@code MACSigner} for HS256/HS384/HS512). RSA keys
 * below 2048 bits are accepted on purpose, so that tests can show a verifier refusing them.
 *
 * <p>Thread-safe; a {@link Builder} is not (use one per token).
 */
public final class TestTokens {

    /** The lifetime, in seconds, of a token whose {@code exp} is not given. */
    public static final long DEFAULT_LIFETIME_SECONDS = 300;

    private TestTokens() {
    }

    /**
     * A builder with valid defaults: header {@code alg} (from the key) and {@code typ=JWT} and,
     * when the key has one, {@code kid}; claims {@code iat} = now, {@code exp} = now + 5 minutes
     * and a random UUID {@code jti}. Issuer, subject and audience are not set. Set the key with
     * {@link Builder#key(JWK)} or pass it to {@link Builder#sign(JWK)}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Shorthand for {@code builder().key(key)}. */
    public static Builder signedWith(JWK key) {
        return builder().key(key);
    }

    /**
     * Signs exactly the given JSON texts: each is UTF-8 encoded and base64url-encoded as is (no
     * parsing, no re-serialisation), so duplicate members, odd types and deep nesting survive. The
     * signature covers {@code header.payload}, made with the key's algorithm (its {@code alg}
     * member, or the default for its type: RS256, ES256/384/512 after the curve, HS256).
     *
     * @param headerJson the protected header, sent as is; need not be valid JSON
     * @param payloadJson the payload, sent as is; need not be valid JSON
     * @param key a private RSA or EC key, or a symmetric key
     * @return the compact serialisation {@code header.payload.signature}
     */
    public static String signRaw(String headerJson, String payloadJson, JWK key) {
        return signRaw(headerJson, payloadJson, key, defaultAlgorithm(key));
    }

    /**
     * Like {@link #signRaw(String, String, JWK)}, signing with the given algorithm whatever the
     * header says.
     */
    public static String signRaw(
            String headerJson, String payloadJson, JWK key, JWSAlgorithm algorithm) {
        Objects.requireNonNull(headerJson, "headerJson");
        Objects.requireNonNull(payloadJson, "payloadJson");
        var header = Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8));
        var payload = Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8));
        var signingInput = header + "." + payload;
        try {
            var bytes = signingInput.getBytes(StandardCharsets.US_ASCII);
            var signature = signer(key).sign(new JWSHeader(algorithm), bytes);
            return signingInput + "." + signature;
        } catch (JOSEException e) {
            var message = "cannot sign with " + algorithm + ": " + e.getMessage();
            throw new IllegalStateException(message, e);
        }
    }

    /**
     * The algorithm a key signs with when none is asked for: its {@code alg} member if that is a
     * JWS algorithm, else RS256 for RSA, ES256/ES384/ES512 for EC after the curve, HS256 for
     * symmetric keys.
     */
    public static JWSAlgorithm defaultAlgorithm(JWK key) {
        Objects.requireNonNull(key, "key");
        Algorithm alg = key.getAlgorithm();
        if (alg != null) {
            return JWSAlgorithm.parse(alg.getName());
        }
        if (key instanceof RSAKey) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECKey ec) {
            return TestKeys.ecAlgorithm(ec.getCurve());
        }
        if (key instanceof OctetSequenceKey) {
            return JWSAlgorithm.HS256;
        }
        throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
    }

    private static JWSSigner signer(JWK key) throws JOSEException {
        Objects.requireNonNull(key, "key");
        if (key instanceof OctetSequenceKey oct) {
            return new MACSigner(oct);
        }
        if (!key.isPrivate()) {
            throw new IllegalArgumentException("key " + key.getKeyID() + " has no private part");
        }
        if (key instanceof RSAKey rsa) {
            // Weak keys allowed on purpose: tests must be able to make tokens a verifier refuses.
            return new RSASSASigner(rsa.toPrivateKey(), Set.of(AllowWeakRSAKey.getInstance()));
        }
        if (key instanceof ECKey ec) {
            return new ECDSASigner(ec);
        }
        throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
    }

    /**
     * Builds and signs one JWT. Setters return {@code this}. Values set with {@link #claim} and
     * {@link #header} win over the defaults and the named setters' earlier values; a name passed
     * to {@link #withoutClaim} or {@link #withoutHeader} is left out whatever else was set.
     * Claim values may be any JSON type: {@code String}, {@code Number}, {@code Boolean},
     * {@code null}, {@code List}, {@code Map}; an {@link Instant} becomes epoch seconds.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {

        private final Map<String, @Nullable Object> header = new LinkedHashMap<>();
        private final Map<String, @Nullable Object> claims = new LinkedHashMap<>();
        private final Set<String> omittedHeaders = new HashSet<>();
        private final Set<String> omittedClaims = new HashSet<>();
        private @Nullable JWK key;
        private @Nullable JWSAlgorithm algorithm;
        private Clock clock = Clock.systemUTC();
        private Duration lifetime = Duration.ofSeconds(DEFAULT_LIFETIME_SECONDS);
        private @Nullable Instant issuedAt;
        private @Nullable Instant expiresAt;
        private @Nullable Instant notBefore;
        private boolean notBeforeAtIssue;
        private final String defaultJwtId = UUID.randomUUID().toString();

        private Builder() {
        }

        /** The signing key; its {@code kid} goes into the header unless overridden. */
        public Builder key(JWK key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** The algorithm to sign with (and to write in {@code alg}), e.g. PS256 with an RSA key. */
        public Builder algorithm(JWSAlgorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /** The {@code iss} claim. */
        public Builder issuer(String issuer) {
            return claim("iss", issuer);
        }

        /** The {@code sub} claim. */
        public Builder subject(String subject) {
            return claim("sub", subject);
        }

        /** The {@code aud} claim as a single string. */
        public Builder audience(String audience) {
            return claim("aud", audience);
        }

        /** The {@code aud} claim as a JSON array, even with one element. */
        public Builder audience(List<String> audiences) {
            return claim("aud", List.copyOf(audiences));
        }

        /** The {@code aud} claim as a JSON array, even with one element. */
        public Builder audiences(String... audiences) {
            return audience(Arrays.asList(audiences));
        }

        /** The {@code jti} claim (default: a random UUID). */
        public Builder jwtId(String jwtId) {
            return claim("jti", jwtId);
        }

        /** The clock that gives "now" for the default {@code iat} (default: system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The default {@code exp} is {@code iat} plus this (default 5 minutes). */
        public Builder lifetime(Duration lifetime) {
            this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /** The {@code iat} claim (default: the clock's instant). */
        public Builder issuedAt(Instant issuedAt) {
            this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
            claims.remove("iat");
            return this;
        }

        /** The {@code exp} claim (default: {@code iat} plus the lifetime). */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
            claims.remove("exp");
            return this;
        }

        /** The {@code nbf} claim (default: absent). */
        public Builder notBefore(Instant notBefore) {
            this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
            claims.remove("nbf");
            return this;
        }

        /** Sets {@code nbf} equal to {@code iat}. */
        public Builder notBeforeIssuedAt() {
            this.notBeforeAtIssue = true;
            claims.remove("nbf");
            return this;
        }

        /**
         * Any claim, of any JSON type, including registered ones with odd types (for example
         * {@code claim("exp", "tomorrow")}). An {@link Instant} is written as epoch seconds.
         */
        public Builder claim(String name, @Nullable Object value) {
            Objects.requireNonNull(name, "name");
            claims.put(name, value instanceof Instant instant ? instant.getEpochSecond() : value);
            omittedClaims.remove(name);
            return this;
        }

        /** Several claims at once, as {@link #claim(String, Object)}. */
        public Builder claims(Map<String, ?> values) {
            values.forEach(this::claim);
            return this;
        }

        /** Leaves the claim out, including the defaults {@code exp}, {@code iat}, {@code jti}. */
        public Builder withoutClaim(String name) {
            omittedClaims.add(Objects.requireNonNull(name, "name"));
            claims.remove(name);
            return this;
        }

        /** The {@code typ} header (default {@code JWT}). */
        public Builder type(String type) {
            return header("typ", type);
        }

        /** The {@code kid} header, overriding the key's own. */
        public Builder keyId(String keyId) {
            return header("kid", keyId);
        }

        /** The {@code crit} header: a JSON array of the given names. */
        public Builder critical(String... names) {
            return header("crit", List.of(names));
        }

        /**
         * Any header parameter, of any JSON type. Setting {@code alg} changes only what the header
         * says; the signature is still made with {@link #algorithm(JWSAlgorithm)} or the key's
         * default, which is how algorithm-confusion tokens are made.
         */
        public Builder header(String name, @Nullable Object value) {
            Objects.requireNonNull(name, "name");
            header.put(name, value);
            omittedHeaders.remove(name);
            return this;
        }

        /** Leaves the header parameter out, including the defaults {@code typ} and {@code kid}. */
        public Builder withoutHeader(String name) {
            omittedHeaders.add(Objects.requireNonNull(name, "name"));
            header.remove(name);
            return this;
        }

        /** The header JSON that {@link #sign()} will encode. */
        public String headerJson() {
            var json = new LinkedHashMap<String, @Nullable Object>();
            json.put("alg", signingAlgorithm().getName());
            json.put("typ", "JWT");
            if (key != null && key.getKeyID() != null) {
                json.put("kid", key.getKeyID());
            }
            json.putAll(header);
            omittedHeaders.forEach(json::remove);
            return JSONObjectUtils.toJSONString(json);
        }

        /** The payload JSON that {@link #sign()} will encode. */
        public String payloadJson() {
            var iat = issuedAt != null ? issuedAt : clock.instant();
            var json = new LinkedHashMap<String, @Nullable Object>(claims);
            json.putIfAbsent("iat", iat.getEpochSecond());
            if (notBefore != null || notBeforeAtIssue) {
                json.putIfAbsent("nbf", (notBefore != null ? notBefore : iat).getEpochSecond());
            }
            var exp = expiresAt != null ? expiresAt : iat.plus(lifetime);
            json.putIfAbsent("exp", exp.getEpochSecond());
            json.putIfAbsent("jti", defaultJwtId);
            omittedClaims.forEach(json::remove);
            return JSONObjectUtils.toJSONString(json);
        }

        /** Signs with the key set by {@link #key(JWK)} and returns the compact serialisation. */
        public String sign() {
            return signRaw(headerJson(), payloadJson(), requireKey(), signingAlgorithm());
        }

        /** Sets the key and signs; see {@link #sign()}. */
        public String sign(JWK key) {
            return key(key).sign();
        }

        /**
         * Signs and parses the result with Nimbus. Fails for tokens Nimbus cannot parse (odd
         * header types); use {@link #sign()} for those.
         */
        public SignedJWT signedJwt() {
            try {
                return SignedJWT.parse(sign());
            } catch (ParseException e) {
                var message = "Nimbus cannot parse this token: " + e.getMessage();
                throw new IllegalStateException(message, e);
            }
        }

        private JWSAlgorithm signingAlgorithm() {
            return algorithm != null ? algorithm : defaultAlgorithm(requireKey());
        }

        private JWK requireKey() {
            if (key == null) {
                throw new IllegalStateException("no signing key: call key(JWK) or sign(JWK)");
            }
            return key;
        }
    }
}
