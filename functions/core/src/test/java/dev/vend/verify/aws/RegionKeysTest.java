// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

/** The shipped region keys and their cache, which a caller's region names must not grow. */
class RegionKeysTest {

    private static final AwsVerifierConfig.RegionCertificates NONE =
            AwsVerifierConfig.RegionCertificates.none();

    @Test
    void forRegionWhenManyMadeUpRegionsThenEachRefusedAndNoneKept() {
        RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "us-east-1", NONE);
        int before = RegionKeys.cachedKeys();

        for (int i = 0; i < 2_000; i++) {
            String region = "xx-nowhere" + (char) ('a' + i % 26) + "-" + (i % 90 + 10);
            var refusal = catchThrowableOfType(DenialException.class,
                    () -> RegionKeys.forRegion(RegionKeys.Kind.RSA2048, region, NONE));
            assertThat(refusal.reason()).isEqualTo(DenialReason.UNKNOWN_KEY);
        }

        assertThat(RegionKeys.cachedKeys()).isEqualTo(before);
    }

    @Test
    void forRegionWhenShippedRegionAskedTwiceThenTheSameKeyReadOnce() {
        PublicKey first = RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "eu-west-1", NONE);
        int kept = RegionKeys.cachedKeys();

        PublicKey second = RegionKeys.forRegion(RegionKeys.Kind.RSA2048, "eu-west-1", NONE);

        assertThat(second).isSameAs(first);
        assertThat(RegionKeys.cachedKeys()).isEqualTo(kept);
    }
}
