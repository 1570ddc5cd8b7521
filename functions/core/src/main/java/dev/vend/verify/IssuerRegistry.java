// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import dev.vend.model.AttributeType;
import dev.vend.model.IdentitySource;
import dev.vend.parse.Fields;
import dev.vend.parse.RedactedUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The issuers an operator trusts, each mapped to exactly one preset and verifier. A token's
 * unverified {@code iss} is only a lookup key into this registry, like {@code kid} into a JWKS.
 * Immutable and thread-safe once built; building it checks every entry and reports every problem
 * at once, so a misconfigured deployment fails its start instead of serving.
 */
public final class IssuerRegistry {

    /** Default clock leeway (DESIGN: 30 s). */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    /** The largest leeway accepted at start. */
    public static final Duration MAX_LEEWAY = Duration.ofSeconds(60);
    /** Default longest token lifetime and age accepted from an issuer. */
    public static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofHours(1);

    /** Asymmetric JWS algorithms Vend accepts; never {@code none}, never HMAC. */
    public static final Set<String> SUPPORTED_ALGORITHMS =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384");

    /** Issuers known to serve unrelated tenants from one URL. */
    static final Set<String> KNOWN_MULTI_TENANT = Set.of(
            "https://token.actions.githubusercontent.com",
            "https://gitlab.com",
            "https://accounts.google.com",
            "https://login.microsoftonline.com/common/v2.0",
            "https://login.microsoftonline.com/organizations/v2.0",
            "https://app.terraform.io",
            "https://agent.buildkite.com");

    /** Issuers that only their own preset may verify (Google's is checked apart). */
    static final Map<String, IssuerPreset> KNOWN_PRESETS = Map.of(
            "https://token.actions.githubusercontent.com", IssuerPreset.GITHUB_ACTIONS,
            "https://gitlab.com", IssuerPreset.GITLAB_CI);

    /** Audiences other relying parties also accept; a token minted for them is not for us. */
    static final Set<String> SHARED_AUDIENCES = Set.of(
            "sts.amazonaws.com",
            "api://AzureADTokenExchange",
            "https://kubernetes.default.svc",
            "https://kubernetes.default.svc.cluster.local",
            "kubernetes.default.svc");

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> FIELDS = Set.of("id", "issuer", "preset", "audiences",
            "allowSharedAudiences", "algorithms", "leewaySeconds", "maxTokenAgeSeconds",
            "discovery", "jwksUri", "jwksFile", "multiTenant", "pinnedClaims", "singleUseJti",
            "allowPrivateNetwork", "expectedType", "claims");

    private final Map<String, IssuerConfig> byIssuer;
    private final Map<String, IssuerConfig> byId;

    private IssuerRegistry(List<IssuerConfig> entries) {
        var issuers = new LinkedHashMap<String, IssuerConfig>();
        var ids = new LinkedHashMap<String, IssuerConfig>();
        for (IssuerConfig entry : entries) {
            issuers.put(entry.issuer(), entry);
            ids.put(entry.id(), entry);
        }
        this.byIssuer = Map.copyOf(issuers);
        this.byId = Map.copyOf(ids);
    }

    /** A registry of already-built entries, for tests and embedding. */
    public static IssuerRegistry of(List<IssuerConfig> entries) {
        return new IssuerRegistry(entries);
    }

    /**
     * Builds the registry from a configuration document ({@code issuers:} list).
     *
     * @param document the parsed document
     * @param settings deployment facts the entries are checked against
     * @throws InvalidConfigurationException listing every problem found
     */
    public static IssuerRegistry fromDocument(Map<String, Object> document, Settings settings) {
        var problems = new ArrayList<String>();
        var root = new Fields(document, "issuer configuration", problems);
        root.allowOnly(Set.of("issuers"));
        var entries = new ArrayList<IssuerConfig>();
        var seenIds = new HashSet<String>();
        var seenIssuers = new HashSet<String>();
        int index = 0;
        for (Map<String, Object> raw : root.mappings("issuers")) {
            var fields = new Fields(raw, "issuers[" + index++ + "]", problems);
            IssuerConfig entry = readEntry(fields, settings);
            if (!seenIds.add(entry.id())) {
                fields.problem("duplicate id '" + entry.id() + "'");
            }
            if (!seenIssuers.add(entry.issuer())) {
                fields.problem(named(entry.issuer()) + " is registered twice; each issuer "
                        + "maps to exactly one verifier");
            }
            entries.add(entry);
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new IssuerRegistry(entries);
    }

    /** The entry whose issuer string equals {@code iss} exactly. */
    public Optional<IssuerConfig> byIssuer(String iss) {
        return Optional.ofNullable(byIssuer.get(iss));
    }

    /** The entry with this registry id. */
    public Optional<IssuerConfig> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every entry. */
    public List<IssuerConfig> entries() {
        return List.copyOf(byId.values());
    }

    private static IssuerConfig readEntry(Fields f, Settings settings) {
        f.allowOnly(FIELDS);
        String id = f.requiredString("id");
        if (!id.isEmpty() && !ID.matcher(id).matches()) {
            f.problem("id '" + id + "' must match " + ID.pattern());
        }
        String issuer = f.requiredString("issuer");
        checkIssuerUrl(f, issuer);
        IssuerPreset preset = readPreset(f, issuer);
        List<String> audiences = readAudiences(f, settings);
        Set<String> algorithms = readAlgorithms(f);
        Duration leeway = Duration.ofSeconds(
                f.integer("leewaySeconds", DEFAULT_LEEWAY.toSeconds()));
        if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
            f.problem("leewaySeconds must be between 0 and " + MAX_LEEWAY.toSeconds());
        }
        Duration maxAge = Duration.ofSeconds(
                f.integer("maxTokenAgeSeconds", DEFAULT_MAX_TOKEN_AGE.toSeconds()));
        if (maxAge.isZero() || maxAge.isNegative() || maxAge.compareTo(Duration.ofDays(1)) > 0) {
            f.problem("maxTokenAgeSeconds must be between 1 and 86400");
        }
        // Cloud documents (Azure, AWS) have bundled trust, no JWKS; the placeholder is never used.
        boolean jwt = preset.source() == IdentitySource.OIDC
                || preset.source() == IdentitySource.GCE;
        KeySource keys = jwt ? readKeySource(f, settings.baseDir()) : new KeySource.Discovery();
        boolean multiTenant = f.bool("multiTenant", preset.multiTenant())
                || KNOWN_MULTI_TENANT.contains(issuer);
        List<String> pinned = f.has("pinnedClaims")
                ? f.strings("pinnedClaims") : immutableDefaults(preset);
        if (multiTenant && pinned.isEmpty()) {
            f.problem(named(issuer) + " serves many tenants: name the immutable-id claims "
                    + "every policy must pin in 'pinnedClaims'");
        }
        Map<String, ClaimSpec> extra = readExtraClaims(f);
        var config = new IssuerConfig(id, issuer, preset, audiences, algorithms, leeway, maxAge,
                keys, multiTenant, pinned, f.bool("singleUseJti", preset.singleUseJti()),
                f.bool("allowPrivateNetwork", false), f.optionalString("expectedType").orElse(null),
                extra);
        checkPinnedClaimsExist(f, config);
        return config;
    }

    private static List<String> immutableDefaults(IssuerPreset preset) {
        return preset.multiTenant() ? preset.immutableIdClaims() : List.of();
    }

    private static void checkIssuerUrl(Fields f, String issuer) {
        if (issuer.isEmpty()) {
            return;
        }
        String refused = issuerUrlProblem(issuer);
        if (refused != null) {
            f.problem(RedactedUrl.describe("issuer", issuer) + " " + refused);
        }
    }

    /** What is wrong with an issuer URL, or null when it is an https URL Vend may name. */
    private static @Nullable String issuerUrlProblem(String issuer) {
        try {
            URI uri = new URI(issuer);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                return "must be an https URL";
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return "must not carry user info, a query or a fragment";
            }
            if (HostRules.isIpLiteral(uri.getHost())) {
                return "must name a host, not an IP address";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
    }

    /**
     * How a problem names an issuer: in full when it is an acceptable issuer URL, else only its
     * scheme and host, as a refused URL may carry credentials.
     */
    private static String named(String issuer) {
        return issuerUrlProblem(issuer) == null ? "issuer " + issuer
                : RedactedUrl.describe("issuer", issuer);
    }

    private static IssuerPreset readPreset(Fields f, String issuer) {
        String name = f.optionalString("preset").orElse(IssuerPreset.GENERIC_OIDC.id());
        IssuerPreset preset = IssuerPreset.byId(name).orElse(null);
        if (preset == null) {
            f.problem("unknown preset '" + name + "'");
            return IssuerPreset.GENERIC_OIDC;
        }
        boolean google = "https://accounts.google.com".equals(issuer);
        if (google != (preset == IssuerPreset.GCE)) {
            f.problem("https://accounts.google.com is verified by the gce preset and only by it");
        }
        IssuerPreset known = KNOWN_PRESETS.get(issuer);
        if (known != null && known != preset) {
            f.problem(named(issuer) + " is verified by the " + known.id() + " preset and only "
                    + "by it, so subjects are built from its immutable ids");
        }
        return preset;
    }

    private static List<String> readAudiences(Fields f, Settings settings) {
        List<String> audiences = f.has("audiences")
                ? f.strings("audiences") : List.of(settings.vendIssuerUrl());
        if (audiences.isEmpty()) {
            f.problem("'audiences' must not be empty");
        }
        boolean allowShared = f.bool("allowSharedAudiences", false);
        for (String audience : audiences) {
            if (!allowShared && isShared(audience)) {
                f.problem("audience " + audience + " is shared with other relying parties; set "
                        + "allowSharedAudiences: true on this issuer to accept it");
            }
        }
        return audiences;
    }

    static boolean isShared(String audience) {
        return SHARED_AUDIENCES.contains(audience) || audience.startsWith("https://github.com/");
    }

    private static Set<String> readAlgorithms(Fields f) {
        List<String> names = f.has("algorithms") ? f.strings("algorithms") : List.of("RS256");
        for (String name : names) {
            if (!SUPPORTED_ALGORITHMS.contains(name)) {
                f.problem("algorithm " + name + " is not accepted; use one of "
                        + SUPPORTED_ALGORITHMS.stream().sorted().toList());
            }
        }
        if (names.isEmpty()) {
            f.problem("'algorithms' must not be empty");
        }
        return Set.copyOf(names);
    }

    private static KeySource readKeySource(Fields f, Path baseDir) {
        int count = (f.bool("discovery", false) ? 1 : 0) + (f.has("jwksUri") ? 1 : 0)
                + (f.has("jwksFile") ? 1 : 0);
        if (count != 1) {
            f.problem("name exactly one key source: discovery: true, jwksUri or jwksFile");
            return new KeySource.Discovery();
        }
        if (f.has("jwksFile")) {
            return new KeySource.JwksFile(baseDir.resolve(f.requiredString("jwksFile")));
        }
        if (f.has("jwksUri")) {
            return readJwksUri(f);
        }
        return new KeySource.Discovery();
    }

    /**
     * A configured JWKS URL passes the fetch rules (https, a host name, no user info) at start,
     * so a key source that could never be fetched fails the deployment instead of every request.
     */
    private static KeySource readJwksUri(Fields f) {
        String uri = f.requiredString("jwksUri");
        if (uri.isEmpty()) {
            return new KeySource.Discovery();
        }
        try {
            URI parsed = new URI(uri);
            HttpsFetcher.checkUri(parsed);
            return new KeySource.JwksUri(parsed);
        } catch (URISyntaxException e) {
            f.problem("jwksUri is not a valid URL");
        } catch (HttpsFetcher.FetchException e) {
            f.problem("jwksUri " + e.getMessage());
        }
        return new KeySource.Discovery();
    }

    private static Map<String, ClaimSpec> readExtraClaims(Fields f) {
        var out = new LinkedHashMap<String, ClaimSpec>();
        for (Map.Entry<String, Object> claim : f.mapping("claims").entrySet()) {
            AttributeType type = claim.getValue() instanceof String s
                    ? parseType(s) : null;
            if (type == null) {
                f.problem("claim " + claim.getKey() + " needs a type: string, number, boolean "
                        + "or string_list");
                continue;
            }
            out.put(claim.getKey(), ClaimSpec.of(claim.getKey(), type));
        }
        return out;
    }

    private static AttributeType parseType(String name) {
        try {
            return AttributeType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void checkPinnedClaimsExist(Fields f, IssuerConfig config) {
        var known = new HashSet<String>();
        config.claimCatalog().forEach(spec -> known.add(spec.attribute()));
        for (String claim : config.pinnedClaims()) {
            if (!known.contains(claim)) {
                f.problem("pinned claim " + claim + " is not in the " + config.preset().id()
                        + " claim catalog");
            }
        }
    }

    /**
     * Deployment facts entries are checked against.
     *
     * @param vendIssuerUrl Vend's own issuer URL, the default inbound audience
     * @param baseDir where relative {@code jwksFile} paths resolve
     */
    public record Settings(String vendIssuerUrl, Path baseDir) {
    }
}
