// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/ec2/vend-ec2.sh against a fake IMDS (IMDSv2 only) and a fake Vend: the aws-ec2-bundle
 * has the shape of ADR 0009, and its SigV4 signature verifies for the request Vend rebuilds
 * (StsRequestRebuilder: fixed body and content type, Vend's own server id and the challenge it
 * issued) with the instance identity role's test secret.
 */
class Ec2ScriptTest {

    private static final String SCRIPT = "ec2/vend-ec2.sh";
    private static final String CREDENTIAL_PROCESS = "ec2/vend-ec2-credential-process.sh";
    private static final String IMDS_TOKEN = "AQAEAImdsSessionTokenForTests==";
    private static final String ACCESS_KEY = "ASIAINSTANCEIDTEST01";
    private static final String SECRET = "instance+identity/role/secret/for/tests0";
    private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEInstanceSessionToken+/=";
    private static final String CREDENTIALS_PATH =
            "/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance";
    private static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";
    private static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
    private static final String SIGNED_HEADERS =
            "content-type;host;x-amz-date;x-amz-security-token;x-vend-challenge;x-vend-server-id";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** What IMDS serves at /rsa2048: base64 in 64-character lines (test bytes, no PKCS7). */
    private static final String RSA2048;

    static {
        byte[] bytes = new byte[600];
        new Random(9).nextBytes(bytes);
        RSA2048 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(bytes);
    }

    private CloudFakes fakes;
    private volatile boolean imdsV1Only;

    @BeforeEach
    void start() throws Exception {
        Scripts.requireTools("bash", "curl", "openssl");
        fakes = new CloudFakes();
        fakes.metadata("/latest/api/token", exchange -> {
            if (imdsV1Only || !exchange.getRequestMethod().equals("PUT") || exchange
                    .getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") == null) {
                CloudFakes.send(exchange, imdsV1Only ? 403 : 400, "");
                return;
            }
            CloudFakes.send(exchange, 200, IMDS_TOKEN);
        });
        serve("/latest/dynamic/instance-identity/document", """
                {
                  "accountId" : "123456789012",
                  "architecture" : "x86_64",
                  "availabilityZone" : "eu-west-1b",
                  "imageId" : "ami-0123456789abcdef0",
                  "instanceId" : "i-0123456789abcdef0",
                  "instanceType" : "t3.micro",
                  "pendingTime" : "2026-12-03T09:00:00Z",
                  "privateIp" : "10.0.0.12",
                  "region" : "eu-west-1",
                  "version" : "2017-09-30"
                }""");
        serve("/latest/dynamic/instance-identity/rsa2048", RSA2048);
        serve(CREDENTIALS_PATH, """
                {
                  "Code" : "Success",
                  "LastUpdated" : "2026-12-03T09:00:00Z",
                  "Type" : "AWS-HMAC",
                  "AccessKeyId" : "%s",
                  "SecretAccessKey" : "%s",
                  "Token" : "%s",
                  "Expiration" : "2026-12-03T15:00:00Z"
                }""".formatted(ACCESS_KEY, SECRET, SESSION_TOKEN));
    }

    @AfterEach
    void stop() {
        if (fakes != null) {
            fakes.close();
        }
    }

    @Test
    void proofOnlyWhenRunThenBundleHasTheDocumentedShape() throws Exception {
        Map<String, Object> bundle = bundle(proofOnly(Map.of()));

        assertThat(bundle).containsOnlyKeys("instance_document", "iam_proof");
        assertThat(object(bundle, "instance_document")).containsExactlyInAnyOrderEntriesOf(
                Map.of("form", "rsa2048", "signature", RSA2048.replace("\n", "")));
        Map<String, Object> proof = object(bundle, "iam_proof");
        assertThat(proof).containsOnlyKeys("host", "challenge", "authorization", "amz_date",
                "security_token");
        assertThat(proof.values()).allMatch(String.class::isInstance);
        assertThat(proof).containsEntry("host", "sts.eu-west-1.amazonaws.com")
                .containsEntry("challenge", CloudFakes.CHALLENGE)
                .containsEntry("security_token", SESSION_TOKEN);

        String amzDate = (String) proof.get("amz_date");
        Instant signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        assertThat(Duration.between(signedAt, Instant.now()).abs())
                .isLessThan(Duration.ofMinutes(5));
        Matcher auth = SigV4.VEND_SHAPE.matcher((String) proof.get("authorization"));
        assertThat(auth.matches()).as("Authorization in the shape Vend accepts").isTrue();
        assertThat(auth.group(1)).isEqualTo(ACCESS_KEY);
        assertThat(auth.group(2)).isEqualTo(amzDate.substring(0, 8));
        assertThat(auth.group(3)).isEqualTo("eu-west-1");
        assertThat(auth.group(4)).isEqualTo(SIGNED_HEADERS);
    }

    @Test
    void proofOnlyWhenRunThenSignatureVerifiesForTheRebuiltRequest() throws Exception {
        Map<String, Object> proof = object(bundle(proofOnly(Map.of())), "iam_proof");

        assertThat(SigV4.verifies(rebuilt(proof, fakes.vendUrl()), BODY, SECRET)).isTrue();
    }

    @Test
    void proofOnlyWhenSignatureTamperedOrRebuiltDifferentlyThenVerificationFails()
            throws Exception {
        Map<String, Object> proof = object(bundle(proofOnly(Map.of())), "iam_proof");
        String authorization = (String) proof.get("authorization");
        char last = authorization.charAt(authorization.length() - 1);
        var tampered = new LinkedHashMap<>(proof);
        tampered.put("authorization", authorization.substring(0, authorization.length() - 1)
                + (last == '0' ? '1' : '0'));

        assertThat(SigV4.verifies(rebuilt(tampered, fakes.vendUrl()), BODY, SECRET)).isFalse();
        assertThat(SigV4.verifies(rebuilt(proof, "https://another-vend.example"), BODY, SECRET))
                .as("signed for another Vend").isFalse();
        assertThat(SigV4.verifies(rebuilt(proof, fakes.vendUrl()), BODY, SECRET + "x")).isFalse();
    }

    @Test
    void proofOnlyWhenServerIdSetThenSignedForIt() throws Exception {
        String issuer = "https://vend.example.com";
        Map<String, Object> proof = object(bundle(proofOnly(Map.of("VEND_SERVER_ID", issuer))),
                "iam_proof");

        assertThat(SigV4.verifies(rebuilt(proof, issuer), BODY, SECRET)).isTrue();
    }

    @Test
    void imdsWhenRunThenSessionTokenFirstAndSentWithEveryGet() throws Exception {
        proofOnly(Map.of());

        List<CloudFakes.Received> requests = fakes.metadataRequests;
        assertThat(requests).isNotEmpty();
        assertThat(requests.get(0).method()).isEqualTo("PUT");
        assertThat(requests.get(0).path()).isEqualTo("/latest/api/token");
        assertThat(requests.subList(1, requests.size())).extracting(CloudFakes.Received::path)
                .containsExactlyInAnyOrder("/latest/dynamic/instance-identity/document",
                        "/latest/dynamic/instance-identity/rsa2048", CREDENTIALS_PATH);
        assertThat(requests.subList(1, requests.size())).allSatisfy(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.header("X-aws-ec2-metadata-token")).isEqualTo(IMDS_TOKEN);
        });
    }

    @Test
    void exchangeWhenRunThenBundlePostedAsEc2BundleAndOnlyTheTokenPrinted() throws Exception {
        Scripts.Run run = Scripts.run(SCRIPT, env(Map.of()), "https://api.example.com", "deploy");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout().strip()).isEqualTo(CloudFakes.ACCESS_TOKEN);
        Map<String, String> form = fakes.tokenForm();
        assertThat(form).containsEntry("grant_type",
                        "urn:ietf:params:oauth:grant-type:token-exchange")
                .containsEntry("subject_token_type",
                        "urn:vend:params:oauth:token-type:aws-ec2-bundle")
                .containsEntry("audience", "https://api.example.com")
                .containsEntry("scope", "deploy");
        Map<String, Object> proof = object(bundle(form.get("subject_token")), "iam_proof");
        assertThat(SigV4.verifies(rebuilt(proof, fakes.vendUrl()), BODY, SECRET)).isTrue();
        assertThat(run.stdout() + run.stderr()).doesNotContain(SECRET, SESSION_TOKEN, IMDS_TOKEN);
        assertThat(fakes.vendRequests).extracting(CloudFakes.Received::path)
                .containsExactly("/challenge", "/token");
    }

    @Test
    void imdsWhenOnlyImdsV1ThenUnavailableAndNoChallengeAsked() throws Exception {
        imdsV1Only = true;

        Scripts.Run run = Scripts.run(SCRIPT, env(Map.of()), "--proof-only");

        assertThat(run.status()).isEqualTo(3);
        assertThat(run.stderr()).contains("IMDSv2");
        assertThat(run.stdout()).isEmpty();
        assertThat(fakes.vendRequests).isEmpty();
    }

    @Test
    void usageWhenNoVendUrlThenStatus2() throws Exception {
        Scripts.Run run = Scripts.run(SCRIPT, Map.of("VEND_IMDS_URL", fakes.metadataUrl()));

        assertThat(run.status()).isEqualTo(2);
        assertThat(fakes.metadataRequests).isEmpty();
    }

    @Test
    void credentialProcessWhenRunTwiceThenOneFreshBundleAndCachedCredentials(@TempDir Path cache)
            throws Exception {
        requireJqAndSha256sum();
        Map<String, String> env = env(Map.of("VEND_CACHE_DIR", cache.toString()));

        Scripts.Run first = Scripts.run(CREDENTIAL_PROCESS, env, fakes.vendUrl());
        Scripts.Run second = Scripts.run(CREDENTIAL_PROCESS, env, fakes.vendUrl());

        assertThat(first.status()).as(first.stderr()).isZero();
        Map<String, Object> credentials = JSONObjectUtils.parse(first.stdout());
        assertThat(credentials).containsOnlyKeys("Version", "AccessKeyId", "SecretAccessKey",
                "SessionToken", "Expiration").containsEntry("AccessKeyId", "ASIAVENDEDTEST000001");
        Map<String, String> form = fakes.tokenForm();
        assertThat(form).containsEntry("subject_token_type",
                        "urn:vend:params:oauth:token-type:aws-ec2-bundle")
                .containsEntry("requested_token_type", CloudFakes.AWS_CREDENTIALS);
        Map<String, Object> proof = object(bundle(form.get("subject_token")), "iam_proof");
        assertThat(SigV4.verifies(rebuilt(proof, fakes.vendUrl()), BODY, SECRET)).isTrue();

        assertThat(second.status()).as(second.stderr()).isZero();
        assertThat(JSONObjectUtils.parse(second.stdout())).isEqualTo(credentials);
        assertThat(fakes.vendRequests).extracting(CloudFakes.Received::path)
                .as("the cache hit made no bundle and asked no challenge")
                .containsExactly("/challenge", "/token");
    }

    /** vend-credential-process.sh needs jq and sha256sum, which CI does not install: skip. */
    private static void requireJqAndSha256sum() throws InterruptedException {
        for (String tool : List.of("jq", "sha256sum")) {
            boolean present;
            try {
                present = new ProcessBuilder(tool, "--version")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor() == 0;
            } catch (IOException e) {
                present = false;
            }
            Assumptions.assumeTrue(present, tool + " is not installed; the EC2 "
                    + "credential_process sample was not run");
        }
    }

    /** The request StsRequestRebuilder builds from the proof, for a Vend with this server id. */
    private static Map<String, String> rebuilt(Map<String, Object> proof, String serverId) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Host", (String) proof.get("host"));
        headers.put("Content-Type", CONTENT_TYPE);
        headers.put("X-Amz-Date", (String) proof.get("amz_date"));
        headers.put("X-Amz-Security-Token", (String) proof.get("security_token"));
        headers.put("X-Vend-Challenge", CloudFakes.CHALLENGE);
        headers.put("X-Vend-Server-Id", serverId);
        headers.put("Authorization", (String) proof.get("authorization"));
        return headers;
    }

    private String proofOnly(Map<String, String> extra) throws Exception {
        Scripts.Run run = Scripts.run(SCRIPT, env(extra), "--proof-only");
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(fakes.vendRequests).extracting(CloudFakes.Received::path)
                .containsExactly("/challenge");
        return run.stdout();
    }

    private Map<String, String> env(Map<String, String> extra) {
        var env = new LinkedHashMap<String, String>();
        env.put("VEND_URL", fakes.vendUrl());
        env.put("VEND_IMDS_URL", fakes.metadataUrl());
        env.putAll(extra);
        return env;
    }

    private void serve(String path, String body) {
        fakes.metadata(path, exchange -> {
            if (!IMDS_TOKEN.equals(exchange.getRequestHeaders()
                    .getFirst("X-aws-ec2-metadata-token"))) {
                CloudFakes.send(exchange, 401, "");
                return;
            }
            CloudFakes.send(exchange, 200, body);
        });
    }

    private static Map<String, Object> bundle(String json) throws java.text.ParseException {
        return JSONObjectUtils.parse(json.strip());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> parent, String name) {
        assertThat(parent.get(name)).isInstanceOf(Map.class);
        return (Map<String, Object>) parent.get(name);
    }
}
