// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import dev.vend.testsupport.FakeSts;
import dev.vend.verify.aws.AwsVerifierConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * STS in process, for benchmarks: answers a rebuilt {@code GetCallerIdentity} request with the
 * canned reply for the principal whose access key the request names, 403 for any other. It does
 * not check the SigV4 signature: that is STS's work, not Vend's, and the network round trip this
 * replaces costs far more than everything measured here. Keeps the last request for the smoke
 * test. Thread-safe.
 */
final class CannedSts implements AwsVerifierConfig.StsTransport {

    private static final String CREDENTIAL = "Credential=";
    private static final byte[] REFUSAL = "<ErrorResponse/>".getBytes(StandardCharsets.UTF_8);

    private final Map<String, byte[]> replies;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicReference<AwsVerifierConfig.@Nullable StsRequest> last =
            new AtomicReference<>();

    CannedSts(List<FakeSts.Principal> principals) {
        this.replies = principals.stream().collect(Collectors.toUnmodifiableMap(
                FakeSts.Principal::accessKeyId,
                principal -> principal.callerIdentityResponse().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public AwsVerifierConfig.StsReply send(AwsVerifierConfig.StsRequest request) {
        requests.incrementAndGet();
        last.set(request);
        byte[] reply = replies.get(accessKey(request.headers().getOrDefault("Authorization", "")));
        return reply == null ? new AwsVerifierConfig.StsReply(403, REFUSAL)
                : new AwsVerifierConfig.StsReply(200, reply);
    }

    /** How many requests arrived. */
    long requests() {
        return requests.get();
    }

    /** The last request, if any arrived. */
    AwsVerifierConfig.@Nullable StsRequest lastRequest() {
        return last.get();
    }

    private static String accessKey(String authorization) {
        int start = authorization.indexOf(CREDENTIAL);
        int end = authorization.indexOf('/', start);
        if (start < 0 || end < 0) {
            return "";
        }
        return authorization.substring(start + CREDENTIAL.length(), end);
    }
}
