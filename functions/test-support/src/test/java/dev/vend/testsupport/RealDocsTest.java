// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class RealDocsTest {

    @Test
    void requireWhenPresentThenRealdocsDirectory() {
        var realdocs = RealDocs.require();

        assertThat(realdocs).isDirectory().endsWith(Path.of("realdocs"));
        assertThat(RealDocs.locate()).hasValue(realdocs);
    }

    @Test
    void readWhenFileExistsThenText() {
        assertThat(RealDocs.read("README.md")).contains("realdocs");
        assertThat(RealDocs.readBytes("README.md")).isNotEmpty();
    }

    @Test
    void readWhenFileMissingThenFailsNamingIt() {
        RealDocs.require();
        assertThatThrownBy(() -> RealDocs.read("no-such-folder/nothing.json"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no-such-folder/nothing.json");
    }

    @Test
    void resolveWhenPathEscapesThenFails() {
        RealDocs.require();
        assertThatThrownBy(() -> RealDocs.resolve("../DESIGN.md"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("outside");
    }

    @Test
    void requireWhenMissingLocallyThenAbortsNamingFolder(@TempDir Path shared) {
        assertThatThrownBy(() -> RealDocs.require(shared, Map.<String, String>of()::get))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(shared.resolve("realdocs").toString());
    }

    @Test
    void requireWhenMissingOnCiThenFails(@TempDir Path shared) {
        assertThatThrownBy(() -> RealDocs.require(shared, Map.of("CI", "true")::get))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(shared.resolve("realdocs").toString())
                .hasMessageContaining("CI=true");
    }

    @Test
    void requireWhenSharedDirUnknownThenAbortsNamingProperty() {
        assertThatThrownBy(() -> RealDocs.require(null, Map.of("CI", "false")::get))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("vend.shared.dir");
    }

    @Test
    void requireWhenPresentInGivenSharedDirThenReturned(@TempDir Path shared) throws Exception {
        var realdocs = Files.createDirectory(shared.resolve("realdocs"));

        assertThat(RealDocs.require(shared, Map.of("CI", "true")::get)).isEqualTo(realdocs);
    }
}
