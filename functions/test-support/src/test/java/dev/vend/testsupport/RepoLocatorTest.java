// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoLocatorTest {

    @Test
    void findRepoDirWhenPackageJsonNamesDynaliteAboveThenThatFolder(@TempDir Path root)
            throws Exception {
        var packageJson = "{\"devDependencies\":{\"dynalite\":\"4.0.0\"}}";
        Files.writeString(root.resolve("package.json"), packageJson);
        var module = Files.createDirectories(root.resolve("functions/core"));
        Files.writeString(module.resolve("package.json"), "{\"name\":\"unrelated\"}");

        assertThat(RepoLocator.findRepoDir(module)).hasValue(root);
    }

    @Test
    void findRepoDirWhenNoPackageJsonNamesDynaliteThenEmpty(@TempDir Path root) throws Exception {
        var module = Files.createDirectories(root.resolve("a/b"));

        assertThat(RepoLocator.findRepoDir(module)).isEmpty();
    }

    @Test
    void findRepoDirWhenRunInsideThisRepositoryThenRootWithPackageJson() {
        var found = RepoLocator.findRepoDir(Path.of("").toAbsolutePath());

        assertThat(found).isPresent();
        assertThat(found.get().resolve("node_modules/.bin/dynalite")).exists();
    }
}
