// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A configured URL is named by its scheme and host at most, never repeated. */
class RedactedUrlTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "https://user:s3cret@sts.example            | vend.x (https://sts.example)",
        "http://s3cret@127.0.0.1:4566/path?s3cret#f | vend.x (http://127.0.0.1)",
        "' https://sts.example/?token=s3cret '      | vend.x (https://sts.example)",
        "https://user:s3cret@[::1]:8443/            | vend.x (https://[::1])",
        "https://user:p@s3cret@sts.example          | vend.x",
        "https://us er:s3cret@sts.example           | vend.x",
        "https://user:s3cret.example                | vend.x",
        "user:s3cret@sts.example                    | vend.x",
        "s3cret                                     | vend.x",
    })
    void describeWhenUrlCarriesCredentialsThenNamesAtMostSchemeAndHost(String url,
            String expected) {
        assertThat(RedactedUrl.describe("vend.x", url)).isEqualTo(expected)
                .doesNotContain("s3cret");
    }
}
