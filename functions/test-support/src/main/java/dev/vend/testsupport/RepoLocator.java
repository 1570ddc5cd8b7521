// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the repository root and the shared folder next to it. Stateless and thread-safe. */
final class RepoLocator {

    static final String REPO_DIR_PROPERTY = "vend.repo.dir";
    static final String SHARED_DIR_PROPERTY = "vend.shared.dir";

    private RepoLocator() {
    }

    /**
     * The repository root: the system property {@value #REPO_DIR_PROPERTY} when set, otherwise the
     * nearest directory at or above the working directory whose {@code package.json} names
     * dynalite.
     */
    static Optional<Path> repoDir() {
        var configured = System.getProperty(REPO_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured).toAbsolutePath().normalize());
        }
        return findRepoDir(Path.of(System.getProperty("user.dir")));
    }

    /** The nearest folder at or above {@code start} whose {@code package.json} names dynalite. */
    static Optional<Path> findRepoDir(Path start) {
        var dir = start.toAbsolutePath().normalize();
        for (; dir != null; dir = dir.getParent()) {
            if (packageJsonNamesDynalite(dir.resolve("package.json"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /**
     * The shared folder: the system property {@value #SHARED_DIR_PROPERTY} when set, otherwise
     * {@code <repo>/../shared}.
     */
    static Optional<Path> sharedDir() {
        var configured = System.getProperty(SHARED_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured).toAbsolutePath().normalize());
        }
        return repoDir().map(repo -> repo.resolve("../shared").normalize());
    }

    private static boolean packageJsonNamesDynalite(Path packageJson) {
        if (!Files.isRegularFile(packageJson)) {
            return false;
        }
        try {
            return Files.readString(packageJson).contains("\"dynalite\"");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + packageJson, e);
        }
    }
}
