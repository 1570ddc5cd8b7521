// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A throwaway workload issuer for the local demo: it plays the CI platform that signs an OIDC
 * token for a job. {@code init} makes its key and the Vend configuration that trusts it;
 * {@code mint} signs a workload token. Never use its key for anything else: it is written to disk
 * in the clear.
 *
 * <pre>
 * DemoIssuer init &lt;dir&gt; &lt;vendIssuerUrl&gt;
 * DemoIssuer mint &lt;dir&gt; &lt;audience&gt; &lt;sub&gt; &lt;ref&gt;
 * </pre>
 */
public final class DemoIssuer {

    /** The workload issuer's {@code iss}; {@code .invalid} never resolves (RFC 2606). */
    public static final String ISSUER = "https://issuer.demo.invalid";
    /** Its id in Vend's issuer registry. */
    public static final String REGISTRY_ID = "demo-ci";
    /** The repository every demo token names. */
    public static final String REPOSITORY = "acme/demo-app";
    /** The audience the demo policy lets Vend issue tokens for. */
    public static final String API_AUDIENCE = "https://demo-api.invalid";
    /** Lifetime of a minted workload token. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    static final String JWKS_FILE = "demo-issuer-jwks.json";
    static final String KEY_FILE = "demo-issuer-key.json";
    static final String ISSUERS_FILE = "issuers.yaml";
    static final String POLICY_FILE = "policies/demo.yaml";

    private static final String USAGE = "usage: DemoIssuer init <dir> <vendIssuerUrl>\n"
            + "       DemoIssuer mint <dir> <audience> <sub> <ref>";

    private DemoIssuer() {
    }

    public static void main(String[] args) {
        try {
            if (args.length == 3 && "init".equals(args[0])) {
                init(Path.of(args[1]), args[2]);
            } else if (args.length == 5 && "mint".equals(args[0])) {
                // No line break: the token file must hold the token alone, and Vend refuses a
                // subject_token with a trailing newline, as curl's name@file would send it.
                System.out.print(mint(Path.of(args[1]), args[2], args[3], args[4]));
                System.out.flush();
            } else {
                System.err.println(USAGE);
                System.exit(2);
            }
        } catch (IOException | JOSEException | ParseException | IllegalArgumentException e) {
            System.err.println("DemoIssuer: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Makes a fresh ES256 key and writes the public JWKS, the private key, the issuer registry
     * and the demo policy into {@code dir}.
     */
    public static void init(Path dir, String vendIssuerUrl) throws IOException, JOSEException {
        requireHttpUrl(vendIssuerUrl);
        ECKey key = new ECKeyGenerator(Curve.P_256)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256)
                .keyIDFromThumbprint(true)
                .generate();

        Files.createDirectories(dir.resolve(POLICY_FILE).getParent());
        writePrivate(dir.resolve(KEY_FILE), key.toJSONString());
        // JWKSet.toString() publishes public parameters only.
        write(dir.resolve(JWKS_FILE), new JWKSet(key.toPublicJWK()).toString());
        write(dir.resolve(ISSUERS_FILE), issuersYaml(vendIssuerUrl));
        write(dir.resolve(POLICY_FILE), policyYaml());
    }

    /** Signs a workload token for {@code sub} on {@code ref}, valid for five minutes. */
    public static String mint(Path dir, String audience, String sub, String ref)
            throws IOException, JOSEException, ParseException {
        ECKey key = ECKey.parse(Files.readString(dir.resolve(KEY_FILE)));
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(sub)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("repository", REPOSITORY)
                .claim("ref", ref)
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID(key.getKeyID())
                .build();

        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static String issuersYaml(String vendIssuerUrl) {
        return """
                # Written by DemoIssuer init: the throwaway workload issuer of the local demo.
                issuers:
                  - id: %s
                    issuer: %s
                    preset: oidc
                    # Workload tokens must be minted for this Vend (its issuer URL).
                    audiences: [%s]
                    algorithms: [ES256]
                    jwksFile: %s
                    # A workload token is exchanged once; a replay is refused.
                    singleUseJti: true
                    claims:
                      repository: string
                      ref: string
                """.formatted(REGISTRY_ID, ISSUER, quoted(vendIssuerUrl), JWKS_FILE);
    }

    static String policyYaml() {
        return """
                # Written by DemoIssuer init: workload-42 on main may call the demo API.
                apiVersion: vend.dev/v1
                id: demo-deploy
                description: workload-42 on main may read from and deploy to the demo API.
                issuer: %s
                conditions:
                  sub: workload-42
                  ref: refs/heads/main
                issue:
                  audiences: [%s]
                  scopes: [read, deploy]
                  maxLifetimeSeconds: 300
                  carry: [repository, ref]
                """.formatted(REGISTRY_ID, API_AUDIENCE);
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!http || uri.getHost() == null || url.contains("\"") || url.contains("\\")) {
                throw new IllegalArgumentException("not an http(s) URL: " + url);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        }
        write(file, text);
    }
}
