// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.challenge.Challenges;
import dev.vend.verify.VendingFailure;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the AWS verifiers need.
 *
 * @param challenges where the challenge of an IAM proof is consumed
 * @param clock the clock that decides freshness
 * @param serverId Vend's server id, set by Vend (never taken from the caller) as the signed
 *     {@code X-Vend-Server-Id} header of every rebuilt request
 * @param stsHosts the STS endpoints Vend sends rebuilt requests to; the signed host must be one
 * @param sts how a rebuilt request reaches STS
 * @param legacyForms the older instance-document forms this deployment accepts besides RSA-2048
 */
public record AwsVerifierConfig(Challenges challenges, Clock clock, String serverId,
        Set<String> stsHosts, StsTransport sts, Set<LegacyForm> legacyForms) {

    /** The global endpoint and the regional endpoints of the commercial partition. */
    public static final Set<String> DEFAULT_STS_HOSTS = defaultStsHosts();

    public AwsVerifierConfig {
        Objects.requireNonNull(challenges, "challenges");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(sts, "sts");
        stsHosts = Set.copyOf(stsHosts);
        legacyForms = Set.copyOf(legacyForms);
        if (serverId.isBlank() || !serverId.matches("[\\x21-\\x7e]{1,256}")) {
            throw new IllegalArgumentException(
                    "serverId must be 1 to 256 visible ASCII characters");
        }
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
        return new HttpsStsTransport();
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

    /** Sends a rebuilt request to STS. Implementations are thread-safe. */
    @FunctionalInterface
    public interface StsTransport {
        /**
         * @throws VendingFailure (transient) when STS can not be reached in time
         */
        StsReply send(StsRequest request);
    }

    private static Set<String> defaultStsHosts() {
        var regions = List.of("af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1",
                "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1",
                "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
                "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
                "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
                "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
                "us-east-1", "us-east-2", "us-west-1", "us-west-2");
        var hosts = new java.util.HashSet<String>();
        hosts.add("sts.amazonaws.com");
        regions.forEach(region -> hosts.add("sts." + region + ".amazonaws.com"));
        return Set.copyOf(hosts);
    }
}
