// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds the {@code sts:GetCallerIdentity} request from an {@link IamProof}, as DESIGN's
 * contracts require, so that Vend never forwards what it was given (the pattern of Vault's
 * CVE-2020-16250): method {@code POST}, path {@code /}, no query (so no presigned URL), the fixed
 * body and content type; the host from the allowlist and equal to the signed host; only
 * {@code Authorization}, {@code X-Amz-Date} and {@code X-Amz-Security-Token} copied; Vend's server
 * id from configuration and the challenge in their own headers; and {@code SignedHeaders} exactly
 * the list below, so STS's signature check covers every header Vend relies on.
 */
final class StsRequestRebuilder {

    static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";
    static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
    static final String SIGNED = "content-type;host;x-amz-date;x-vend-challenge;x-vend-server-id";
    static final String SIGNED_WITH_TOKEN =
            "content-type;host;x-amz-date;x-amz-security-token;x-vend-challenge;x-vend-server-id";
    /** STS refuses requests signed more than 15 minutes off; Vend refuses them first. */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 "
            + "Credential=([A-Z0-9]{16,128})/([0-9]{8})/([a-z0-9-]{1,32})/sts/aws4_request, ?"
            + "SignedHeaders=([a-z0-9;-]{1,256}), ?Signature=([0-9a-f]{64})");
    /**
     * A host naming its region: {@code sts.<region>.amazonaws.com}, and the forms a configured
     * endpoint may take: FIPS ({@code sts-fips.<region>…}), China ({@code ….amazonaws.com.cn})
     * and a VPC endpoint's own name ({@code vpce-….sts.<region>.vpce.amazonaws.com}).
     */
    private static final Pattern REGIONAL = Pattern.compile("(?:[a-z0-9-]+\\.)*sts(?:-fips)?"
            + "\\.([a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2})\\.(?:vpce\\.)?amazonaws\\.com(?:\\.cn)?");
    private static final String GLOBAL = "sts.amazonaws.com";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private StsRequestRebuilder() {
    }

    static AwsVerifierConfig.StsRequest rebuild(IamProof proof, AwsVerifierConfig config,
            Instant now) {
        if (!config.stsHosts().contains(proof.host())) {
            throw new DenialException(DenialReason.UNTRUSTED_ISSUER, "host is not an STS endpoint");
        }
        Matcher auth = AUTHORIZATION.matcher(proof.authorization());
        if (!auth.matches()) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "not a SigV4 authorization");
        }
        String expected = proof.securityToken() == null ? SIGNED : SIGNED_WITH_TOKEN;
        if (!expected.equals(auth.group(4))) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "SignedHeaders not exact");
        }
        if (!auth.group(2).equals(proof.amzDate().substring(0, 8))
                || !scopeRegionFits(proof.host(), auth.group(3), config.stsEndpoint())) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "credential scope mismatch");
        }
        checkDate(proof.amzDate(), now);

        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", CONTENT_TYPE);
        headers.put("X-Amz-Date", proof.amzDate());
        if (proof.securityToken() != null) {
            headers.put("X-Amz-Security-Token", proof.securityToken());
        }
        headers.put("X-Vend-Challenge", proof.challenge());
        headers.put("X-Vend-Server-Id", config.serverId());
        headers.put("Authorization", proof.authorization());
        return new AwsVerifierConfig.StsRequest(proof.host(), headers, BODY);
    }

    /**
     * The global endpoint signs in us-east-1, a regional one in its own region. Only the
     * deployment's configured endpoint may have a name that states no region (an emulator, a
     * private name); it may be signed for any region, as its STS refuses a scope it does not
     * serve. Every other host that names no region is refused, whatever the allowlist holds.
     */
    private static boolean scopeRegionFits(String host, String region,
            AwsVerifierConfig.@Nullable StsEndpoint configured) {
        if (GLOBAL.equals(host)) {
            return "us-east-1".equals(region);
        }
        int port = host.indexOf(':');
        Matcher regional = REGIONAL.matcher(port < 0 ? host : host.substring(0, port));
        if (regional.matches()) {
            return regional.group(1).equals(region);
        }
        return configured != null && configured.host().equals(host);
    }

    private static void checkDate(String amzDate, Instant now) {
        try {
            Instant signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
            if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
                throw new DenialException(DenialReason.EXPIRED, "request signed too long ago");
            }
        } catch (DateTimeParseException e) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN, "X-Amz-Date does not parse");
        }
    }
}
