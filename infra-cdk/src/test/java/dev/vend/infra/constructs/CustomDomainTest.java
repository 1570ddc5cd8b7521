// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CustomDomainTest {

    private static final String CERTIFICATE_ARN =
            "arn:aws:acm:eu-west-1:123456789012:certificate/0b7c7b33-4a4e-4b8e-9c55-6f3a1c2d9e10";

    @Test
    void issuerUrlIsHttpsOnTheLowerCasedNameWithoutTrailingSlash() {
        CustomDomain domain = new CustomDomain("Vend.Example.COM", CERTIFICATE_ARN);

        assertThat(domain.domainName()).isEqualTo("vend.example.com");
        assertThat(domain.issuerUrl()).isEqualTo("https://vend.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "https://vend.example.com", "vend.example.com/",
        "vend.example.com:443", "vend..example.com", "-vend.example.com", "vend.example.com."})
    void constructorWhenNameIsNotAHostNameThenRefuses(String name) {
        assertThatThrownBy(() -> new CustomDomain(name, CERTIFICATE_ARN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host name");
    }

    // Regression: the refused name was repeated, credentials of a pasted URL included.
    @Test
    void constructorWhenNameIsAUrlWithCredentialsThenRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> new CustomDomain("https://ci-bot:s3cret@vend.example.com",
                CERTIFICATE_ARN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("ci-bot");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "arn:aws:iam::123456789012:role/x",
        "arn:aws:acm:eu-west-1:123:certificate/abc", "0b7c7b33-4a4e-4b8e-9c55-6f3a1c2d9e10"})
    void constructorWhenCertificateIsNotAnAcmArnThenRefuses(String arn) {
        assertThatThrownBy(() -> new CustomDomain("vend.example.com", arn))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ACM");
    }
}
