// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies a token Vend issued the way every relying party must, with a stock library (Nimbus
 * JOSE+JWT) and Vend's published metadata only: discovery, then the JWKS at its
 * {@code jwks_uri}, then signature, {@code typ}, {@code iss}, {@code aud}, lifetime and the
 * claims every Vend token carries.
 *
 * <pre>
 * RelyingParty &lt;vendIssuerUrl&gt; &lt;expectedAudience&gt; &lt;tokenFile&gt;
 * </pre>
 *
 * Prints each verified claim on its own line; exits 1 when the token is refused, 2 on bad usage.
 */
public final class RelyingParty {

    /** RFC 9068 §2.1: JWT access tokens carry this {@code typ}; Vend writes exactly this. */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";
    /** The signature algorithms Vend signs with (KMS RSA_2048 and ECC_NIST_P256). */
    public static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);
    /** Claims a Vend token must carry to be accepted. */
    public static final Set<String> REQUIRED_CLAIMS =
            Set.of("iss", "sub", "aud", "exp", "iat", "jti", "client_id");
    /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
    public static final int MAX_CLOCK_SKEW_SECONDS = 30;

    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    /**
     * {@code typ} must be exactly {@code at+jwt}. RFC 9068 also permits
     * {@code application/at+jwt}, but Vend never writes it, so anything else is refused.
     */
    static final JOSEObjectTypeVerifier<SecurityContext> EXACT_ACCESS_TOKEN_TYPE = (type, ctx) -> {
        if (type == null || !ACCESS_TOKEN_TYPE.equals(type.getType())) {
            throw new BadJOSEException("typ must be " + ACCESS_TOKEN_TYPE + ", not " + type);
        }
    };

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String USAGE =
            "usage: RelyingParty <vendIssuerUrl> <expectedAudience> <tokenFile>";

    private final HttpClient http;

    public RelyingParty(HttpClient http) {
        this.http = http;
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println(USAGE);
            System.exit(2);
        }
        try {
            String token = Files.readString(Path.of(args[2])).strip();
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            JWTClaimsSet claims = new RelyingParty(http).verify(args[0], args[1], token);
            print(claims);
        } catch (VerificationFailure | IOException e) {
            System.err.println("RelyingParty: token refused: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Verifies {@code token} as an access token from the Vend at {@code issuerUrl}, for
     * {@code audience}.
     *
     * @return the verified claims
     * @throws VerificationFailure if any check fails or Vend's metadata can not be read
     */
    public JWTClaimsSet verify(String issuerUrl, String audience, String token)
            throws VerificationFailure {
        Map<String, Object> discovery = getJson(URI.create(issuerUrl + DISCOVERY_PATH));
        String issuer = discoveredIssuer(discovery, issuerUrl);
        JWKSet keys = fetchKeys(jwksUri(discovery));

        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(EXACT_ACCESS_TOKEN_TYPE);
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier(new AccessTokenClaimsVerifier(issuer, audience));
        try {
            return processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new VerificationFailure(e.getMessage(), e);
        }
    }

    // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must equal the issuer URL
    // it was fetched for; a relying party that skips this can be pointed at someone else's keys.
    private static String discoveredIssuer(Map<String, Object> discovery, String issuerUrl)
            throws VerificationFailure {
        String issuer = discovery.get("issuer") instanceof String s ? s : null;
        if (!issuerUrl.equals(issuer)) {
            throw new VerificationFailure(
                    "discovery names issuer " + issuer + ", not " + issuerUrl);
        }
        return issuer;
    }

    private static URI jwksUri(Map<String, Object> discovery) throws VerificationFailure {
        if (!(discovery.get("jwks_uri") instanceof String uri)) {
            throw new VerificationFailure("discovery has no jwks_uri");
        }
        return URI.create(uri);
    }

    private JWKSet fetchKeys(URI jwksUri) throws VerificationFailure {
        try {
            return JWKSet.parse(getJson(jwksUri));
        } catch (ParseException e) {
            throw new VerificationFailure("the JWKS at " + jwksUri + " is not a JWK set", e);
        }
    }

    private Map<String, Object> getJson(URI uri) throws VerificationFailure {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build();
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new VerificationFailure("GET " + uri + " answered " + response.statusCode());
            }
            return JSONObjectUtils.parse(response.body());
        } catch (IOException | ParseException e) {
            throw new VerificationFailure("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VerificationFailure("interrupted while fetching " + uri, e);
        }
    }

    private static void print(JWTClaimsSet claims) {
        new TreeMap<>(claims.toJSONObject()).forEach((name, value) ->
                System.out.println(name + ": " + render(value)));
    }

    @SuppressWarnings("unchecked")
    private static String render(Object value) {
        if (value instanceof Map<?, ?> map) {
            return JSONObjectUtils.toJSONString((Map<String, ?>) map);
        }
        if (value instanceof List<?> list) {
            return JSONArrayUtils.toJSONString(list);
        }
        return String.valueOf(value);
    }

    /**
     * Nimbus's claims verifier (exact {@code iss}, {@code aud} containing the expected audience,
     * {@code exp} and {@code nbf} against the clock, required claims) plus {@code iat}, which it
     * does not check: a token issued in the future or after its own expiry is refused.
     */
    static final class AccessTokenClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {

        AccessTokenClaimsVerifier(String issuer, String audience) {
            super(audience, new JWTClaimsSet.Builder().issuer(issuer).build(), REQUIRED_CLAIMS);
            setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            Instant issued = claims.getIssueTime().toInstant();
            if (issued.isAfter(Instant.now().plusSeconds(MAX_CLOCK_SKEW_SECONDS))) {
                throw new BadJWTException("JWT iat is in the future");
            }
            if (!issued.isBefore(claims.getExpirationTime().toInstant())) {
                throw new BadJWTException("JWT iat is not before its exp");
            }
        }
    }

    /** The token, or Vend's metadata, was not accepted. */
    public static final class VerificationFailure extends Exception {

        private static final long serialVersionUID = 1L;

        VerificationFailure(String message) {
            super(message);
        }

        VerificationFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
