// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import static dev.vend.verify.VerifyAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vend.verify.FailureKind;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The configured STS endpoint ({@code vend.aws-sts-endpoint}): which URLs are accepted, the host
 * a proof must be signed for, the allowlist it joins, and where the transport sends each host.
 */
class StsEndpointTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "https://vpce-0a1b2c3d-e4f5.sts.us-east-1.vpce.amazonaws.com, "
                + "https://vpce-0a1b2c3d-e4f5.sts.us-east-1.vpce.amazonaws.com/, "
                + "vpce-0a1b2c3d-e4f5.sts.us-east-1.vpce.amazonaws.com",
        "https://STS-FIPS.us-east-2.amazonaws.com:443/, "
                + "https://sts-fips.us-east-2.amazonaws.com/, sts-fips.us-east-2.amazonaws.com",
        "https://sts.cn-north-1.amazonaws.com.cn, https://sts.cn-north-1.amazonaws.com.cn/, "
                + "sts.cn-north-1.amazonaws.com.cn",
        "https://sts.internal.example:8443, https://sts.internal.example:8443/, "
                + "sts.internal.example:8443",
        "http://127.0.0.1:4566, http://127.0.0.1:4566/, 127.0.0.1:4566",
        "http://localhost:4566/, http://localhost:4566/, localhost:4566",
        "http://127.0.0.1, http://127.0.0.1/, 127.0.0.1",
        "'  https://sts.internal.example  ', https://sts.internal.example/, sts.internal.example"
    })
    void parseWhenAllowedUrlThenNormalisedUrlAndSignedHost(String text, String url,
            String host) {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse(text);

        assertThat(endpoint.url()).isEqualTo(URI.create(url));
        assertThat(endpoint.host()).isEqualTo(host);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "http://sts.us-east-1.amazonaws.com, plain http is allowed only for a loopback host",
        "http://10.0.0.5:4566, plain http is allowed only for a loopback host",
        "http://128.0.0.1:4566, plain http is allowed only for a loopback host",
        "http://localhost.evil.example, plain http is allowed only for a loopback host",
        "ftp://sts.internal.example, the scheme must be https",
        "sts.us-east-1.amazonaws.com, not an absolute URL",
        "https:sts.internal.example, not an absolute URL",
        "https://user:secret@sts.internal.example, user info is not allowed",
        "https://sts.internal.example/sts, a path is not allowed",
        "https://sts.internal.example/?Action=GetCallerIdentity, a query or fragment",
        "https://sts.internal.example/#top, a query or fragment",
        "http://[::1]:4566, an IPv6 literal can not be a signed STS host",
        "https://sts_internal.example, not a host name or IPv4 address",
        "https://sts.internal.example:0, the port is out of range",
        "https://sts.internal.example:70000, the port is out of range",
        "https://300.1.1.1, not a host name or IPv4 address",
        "https://sts.internal.example-, not a host name or IPv4 address",
        "'https://sts internal', not a URL"
    })
    void parseWhenUrlNotAllowedThenRefusedNamingWhy(String text, String why) {
        assertThatThrownBy(() -> AwsVerifierConfig.StsEndpoint.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why);
    }

    @Test
    void stsHostsWhenEndpointGivenThenDefaultsPlusItsHostOnly() {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse("http://127.0.0.1:4566");

        assertThat(AwsVerifierConfig.stsHosts(endpoint))
                .containsAll(AwsVerifierConfig.DEFAULT_STS_HOSTS)
                .contains("127.0.0.1:4566")
                .hasSize(AwsVerifierConfig.DEFAULT_STS_HOSTS.size() + 1);
        assertThat(AwsVerifierConfig.stsHosts(null))
                .isEqualTo(AwsVerifierConfig.DEFAULT_STS_HOSTS);
    }

    @Test
    void targetWhenEndpointHostThenItsUrlElseHttpsToTheSignedHost() {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse("http://127.0.0.1:4566");
        var transport = new HttpsStsTransport(AwsVerifierConfig.stsHosts(endpoint), endpoint);

        assertThat(transport.target("127.0.0.1:4566"))
                .isEqualTo(URI.create("http://127.0.0.1:4566/"));
        assertThat(transport.target("sts.eu-west-1.amazonaws.com"))
                .isEqualTo(URI.create("https://sts.eu-west-1.amazonaws.com/"));
        assertThat(transport.target("sts.amazonaws.com"))
                .isEqualTo(URI.create("https://sts.amazonaws.com/"));
    }

    @Test
    void targetWhenHostOffTheAllowlistThenNeverSent() {
        var endpoint = AwsVerifierConfig.StsEndpoint.parse("http://127.0.0.1:4566");
        var configured = new HttpsStsTransport(AwsVerifierConfig.stsHosts(endpoint), endpoint);
        var plain = new HttpsStsTransport(AwsVerifierConfig.stsHosts(null), null);

        for (String host : new String[] {"127.0.0.1:4567", "127.0.0.1", "localhost:4566",
                "sts.amazonaws.com.evil.example", "169.254.169.254"}) {
            assertFailure(() -> configured.target(host), FailureKind.PERMANENT);
        }
        assertFailure(() -> plain.target("127.0.0.1:4566"), FailureKind.PERMANENT);
    }
}
