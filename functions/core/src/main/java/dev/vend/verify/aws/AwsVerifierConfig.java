// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.RestoreAware;
import dev.vend.challenge.Challenges;
import dev.vend.metrics.Metric;
import dev.vend.metrics.Metrics;
import dev.vend.verify.InvalidConfigurationException;
import dev.vend.verify.VendingFailure;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the AWS verifiers need.
 *
 * @param challenges where the challenge of an IAM proof is consumed
 * @param clock the clock that decides freshness
 * @param serverId Vend's server id, set by Vend (never taken from the caller) as the signed
 *     {@code X-Vend-Server-Id} header of every rebuilt request
 * @param stsHosts the STS endpoints Vend sends rebuilt requests to; the signed host must be one
 * @param stsEndpoint the deployment's one more STS endpoint, whose host is in {@code stsHosts},
 *     or null: the only host a proof may be signed for with any region in its credential scope
 *     when the host's name states none
 * @param sts how a rebuilt request reaches STS
 * @param legacyForms the older instance-document forms this deployment accepts besides RSA-2048
 * @param regionCertificates per-region instance-identity certificates the deployment adds to
 *     the shipped ones, or puts in their place ({@link RegionCertificates#none()} for none)
 * @param metrics where the duration of each IAM proof's call to STS is recorded
 *     ({@link Metric#STS_PROOF_LATENCY}), failed calls included
 */
public record AwsVerifierConfig(Challenges challenges, Clock clock, String serverId,
        Set<String> stsHosts, @Nullable StsEndpoint stsEndpoint, StsTransport sts,
        Set<LegacyForm> legacyForms, RegionCertificates regionCertificates, Metrics metrics) {

    /** The global endpoint and the regional endpoints of the commercial partition. */
    public static final Set<String> DEFAULT_STS_HOSTS = defaultStsHosts();

    /**
     * The connect timeout, and the timeout for the response headers, of
     * {@link #httpsTransport()}: 3 s each. A whole exchange with STS, body included, ends within
     * twice this, 6 s.
     */
    public static final Duration STS_TIMEOUT = Duration.ofSeconds(3);

    public AwsVerifierConfig {
        Objects.requireNonNull(challenges, "challenges");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(sts, "sts");
        Objects.requireNonNull(regionCertificates, "regionCertificates");
        Objects.requireNonNull(metrics, "metrics");
        stsHosts = Set.copyOf(stsHosts);
        legacyForms = Set.copyOf(legacyForms);
        if (serverId.isBlank() || !serverId.matches("[\\x21-\\x7e]{1,256}")) {
            throw new IllegalArgumentException(
                    "serverId must be 1 to 256 visible ASCII characters");
        }
        if (stsEndpoint != null && !stsHosts.contains(stsEndpoint.host())) {
            throw new IllegalArgumentException("stsHosts must hold the STS endpoint's host");
        }
    }

    /** The configuration recording no metrics. */
    public AwsVerifierConfig(Challenges challenges, Clock clock, String serverId,
            Set<String> stsHosts, @Nullable StsEndpoint stsEndpoint, StsTransport sts,
            Set<LegacyForm> legacyForms, RegionCertificates regionCertificates) {
        this(challenges, clock, serverId, stsHosts, stsEndpoint, sts, legacyForms,
                regionCertificates, Metrics.none());
    }

    /**
     * The configuration without an STS endpoint of the deployment's own: every host of
     * {@code stsHosts} must name its region, or be {@code sts.amazonaws.com}.
     */
    public AwsVerifierConfig(Challenges challenges, Clock clock, String serverId,
            Set<String> stsHosts, StsTransport sts, Set<LegacyForm> legacyForms,
            RegionCertificates regionCertificates) {
        this(challenges, clock, serverId, stsHosts, null, sts, legacyForms, regionCertificates);
    }

    /** The configuration without an STS endpoint and with only the shipped certificates. */
    public AwsVerifierConfig(Challenges challenges, Clock clock, String serverId,
            Set<String> stsHosts, StsTransport sts, Set<LegacyForm> legacyForms) {
        this(challenges, clock, serverId, stsHosts, sts, legacyForms, RegionCertificates.none());
    }

    /** Instance-document forms weaker than RSA-2048, accepted only when listed. */
    public enum LegacyForm {
        /** {@code /pkcs7}: DSA-1024 PKCS7; most regions share one key, so no region separation. */
        DSA_PKCS7,
        /** {@code /signature}: RSA-1024 SHA-256 over the separately sent document. */
        RSA_SIGNATURE
    }

    /** A transport over HTTPS to the signed host itself ({@code https://<host>/}). */
    public static StsTransport httpsTransport() {
        return httpsTransport(null);
    }

    /**
     * A transport to {@link #stsHosts(StsEndpoint) stsHosts(endpoint)} only: requests signed for
     * the endpoint's host go to its URL, every other one over HTTPS to the signed host itself
     * ({@code https://<host>/}), and a host outside that set is never sent to.
     *
     * @param endpoint one more STS endpoint, or {@code null} for the AWS endpoints alone
     */
    public static StsTransport httpsTransport(@Nullable StsEndpoint endpoint) {
        return new HttpsStsTransport(stsHosts(endpoint), endpoint);
    }

    /**
     * The hosts a rebuilt request may be signed for and sent to: {@link #DEFAULT_STS_HOSTS},
     * plus the endpoint's host when one is given.
     */
    public static Set<String> stsHosts(@Nullable StsEndpoint endpoint) {
        if (endpoint == null) {
            return DEFAULT_STS_HOSTS;
        }
        var hosts = new HashSet<String>(DEFAULT_STS_HOSTS);
        hosts.add(endpoint.host());
        return Set.copyOf(hosts);
    }

    /**
     * One more STS endpoint than AWS's own, as a deployment names it (in the spirit of the
     * {@code sts_endpoint} of Vault's AWS auth method): a VPC interface endpoint's own DNS name,
     * a FIPS or another partition's endpoint, or an emulator on the loopback interface. A
     * workload signs its IAM proof for {@link #host()}; Vend sends the rebuilt request to
     * {@link #url()}. Immutable.
     *
     * <p><strong>Limitation:</strong> when this endpoint's host names no region (an emulator, a
     * private name), Vend accepts any region in the credential scope of a proof signed for it,
     * and leaves that check to the endpoint's STS. Any other host that names no region is
     * refused.
     *
     * @param url where rebuilt requests go: {@code scheme://host[:port]/}
     * @param host the signed host those requests carry: the host name in lower case, with
     *     {@code :port} when the URL names a port other than its scheme's default
     */
    public record StsEndpoint(URI url, String host) {

        public StsEndpoint {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(host, "host");
        }

        /**
         * Reads and checks an endpoint URL: {@code https}, or plain {@code http} only for a
         * loopback host ({@code localhost}, {@code 127.0.0.0/8}); a host name or IPv4 address;
         * no user info, path, query or fragment.
         *
         * @throws IllegalArgumentException naming what is wrong
         */
        public static StsEndpoint parse(String text) {
            return StsEndpointRules.parse(text);
        }
    }

    /**
     * Per-region instance-identity certificates, by document form, that a deployment adds to
     * the shipped ones, or puts in their place for a region it names. Only their public keys are
     * used, and validity dates are not enforced, as for the shipped ones. Immutable.
     *
     * @param byForm the form's wire name ({@code rsa2048}, {@code pkcs7}, {@code signature}) to
     *     a map of region name to certificate
     */
    public record RegionCertificates(Map<String, Map<String, X509Certificate>> byForm) {

        public RegionCertificates {
            var copy = new LinkedHashMap<String, Map<String, X509Certificate>>();
            byForm.forEach((form, regions) -> copy.put(form, Map.copyOf(regions)));
            byForm = Collections.unmodifiableMap(copy);
        }

        /** No certificate besides the shipped ones. */
        public static RegionCertificates none() {
            return new RegionCertificates(Map.of());
        }

        /**
         * Reads a region certificates file: a YAML (or JSON) mapping of form to a mapping of
         * region to a PEM file holding that region's one certificate, relative to the file's
         * folder. Forms are {@code rsa2048} (an RSA key of 2048 bits or more), {@code pkcs7}
         * (DSA, 1024 bits or more) and {@code signature} (RSA, 1024 bits or more).
         *
         * @throws InvalidConfigurationException listing every problem of the file
         */
        public static RegionCertificates load(Path file) {
            return RegionCertificateFile.load(file);
        }

        /** The configured certificate of this form and region, if any. */
        Optional<X509Certificate> certificate(String form, String region) {
            return Optional.ofNullable(byForm.getOrDefault(form, Map.of()).get(region));
        }
    }

    /**
     * The rebuilt {@code GetCallerIdentity} request, exactly as Vend sends it.
     *
     * @param host the STS host, equal to the signed host
     * @param headers every header to send, {@code Host} excluded (it is the host)
     * @param body the fixed form body
     */
    public record StsRequest(String host, Map<String, String> headers, String body) {
        public StsRequest {
            Objects.requireNonNull(host, "host");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * STS's answer.
     *
     * @param status the HTTP status
     * @param body the response body
     */
    public record StsReply(int status, byte[] body) {
        public StsReply {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Sends a rebuilt request to STS. Implementations are thread-safe. A transport that keeps
     * connections open between requests drops them after a SnapStart restore; one that keeps
     * nothing, as a test's, need not override the restore hooks.
     */
    @FunctionalInterface
    public interface StsTransport extends RestoreAware {
        /**
         * @throws VendingFailure (transient) when STS can not be reached in time
         */
        StsReply send(StsRequest request);

        /** Keeps nothing, so drops nothing. */
        @Override
        default void afterRestore() {
        }

        @Override
        default String restoreState() {
            return NOTHING_CAPTURED;
        }
    }

    private static Set<String> defaultStsHosts() {
        var regions = List.of("af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1",
                "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1",
                "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
                "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
                "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
                "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
                "us-east-1", "us-east-2", "us-west-1", "us-west-2");
        var hosts = new HashSet<String>();
        hosts.add("sts.amazonaws.com");
        regions.forEach(region -> hosts.add("sts." + region + ".amazonaws.com"));
        return Set.copyOf(hosts);
    }
}
