// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vend.audit.AuditLog;
import dev.vend.testsupport.TestCa;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment settings for the cloud verifiers: Azure intermediates and older EC2 forms. */
class CloudSettingsTest {

    @TempDir
    Path dir;

    @Test
    void buildWhenAzureIntermediatesFileHoldsCertificatesThenStarts() throws Exception {
        Path pem = dir.resolve("intermediates.pem");
        TestCa.create().writeCaCertificatePem(pem);

        assertThat(VendAssembly.build(settings(pem.toString(), null), environment())).isNotNull();
    }

    @Test
    void buildWhenAzureIntermediatesFileHoldsNoCertificateThenRefusedAtStart() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");

        assertThatThrownBy(() -> VendAssembly.build(settings(empty.toString(), null),
                environment()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("vend.azure-intermediates-file");
    }

    @Test
    void buildWhenLegacyFormsNamedThenStartsAndUnknownOnesAreRefused() throws Exception {
        assertThat(VendAssembly.build(settings(null, "pkcs7, signature"), environment()))
                .isNotNull();
        assertThatThrownBy(() -> VendAssembly.build(settings(null, "dsa"), environment()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("'dsa' is not pkcs7 or signature");
    }

    private VendSettings settings(@Nullable String intermediates, @Nullable String legacy)
            throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies"));
        return new VendSettings("https://vend.test", null, policies.toString(),
                dir.resolve("state").toString(), "ES256", null, null, null, 300, 3600, null, null,
                intermediates, legacy);
    }

    private static VendAssembly.Environment environment() {
        return new VendAssembly.Environment(Clock.systemUTC(), new InMemorySingleUseStore(),
                AuditLog.discarding(), HttpsFetcher.withDefaultTrust());
    }
}
