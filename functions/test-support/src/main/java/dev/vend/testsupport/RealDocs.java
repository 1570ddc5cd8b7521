// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * The realdocs corpus: genuine signed identity documents kept in {@code <shared>/realdocs}, next
 * to the repository rather than in it.
 *
 * <p>The shared folder is the system property {@code vend.shared.dir} when set (the root pom
 * sets it for surefire), otherwise {@code <repo>/../shared}.
 *
 * <p>When the realdocs folder is missing, tests that need it are <em>aborted</em> (reported as
 * skipped) with a message naming the folder, except on CI (environment variable {@code CI} equal
 * to {@code true}), where they <em>fail</em> with an {@link AssertionError}, so that CI can never
 * go green by skipping. A file missing from a present realdocs folder always fails the test: that
 * is a typo or a broken copy, not an absent corpus.
 *
 * <p>Stateless and thread-safe.
 */
public final class RealDocs {

    /** The folder's name inside the shared folder. */
    public static final String FOLDER = "realdocs";

    private RealDocs() {
    }

    /**
     * The realdocs folder; aborts the calling test (fails it on CI) when it is absent.
     *
     * @return an absolute, existing directory
     */
    public static Path require() {
        return require(RepoLocator.sharedDir().orElse(null), System::getenv);
    }

    /**
     * The file or folder at this path inside realdocs, after {@link #require()}.
     *
     * @param relativePath for example {@code github-oidc/PROVENANCE.md}
     * @throws AssertionError if it does not exist or lies outside realdocs
     */
    public static Path resolve(String relativePath) {
        var root = require();
        var path = root.resolve(relativePath).normalize();
        if (!path.startsWith(root)) {
            throw new AssertionError(relativePath + " lies outside " + root);
        }
        if (!Files.exists(path)) {
            throw new AssertionError("realdocs has no " + relativePath + " (looked for " + path
                    + "); check the name, or refresh " + root);
        }
        return path;
    }

    /** The UTF-8 text of the file at this path inside realdocs; see {@link #resolve(String)}. */
    public static String read(String relativePath) {
        return new String(readBytes(relativePath), StandardCharsets.UTF_8);
    }

    /** The bytes of the file at this path inside realdocs; see {@link #resolve(String)}. */
    public static byte[] readBytes(String relativePath) {
        var path = resolve(relativePath);
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The realdocs folder if it exists; never aborts. */
    public static Optional<Path> locate() {
        return RepoLocator.sharedDir()
                .map(shared -> shared.resolve(FOLDER))
                .filter(Files::isDirectory);
    }

    static Path require(@Nullable Path sharedDir, Function<String, @Nullable String> environment) {
        var folder = sharedDir == null
                ? null
                : sharedDir.resolve(FOLDER).toAbsolutePath().normalize();
        if (folder != null && Files.isDirectory(folder)) {
            return folder;
        }
        var message = missingMessage(folder);
        if ("true".equals(environment.apply("CI"))) {
            throw new AssertionError(message + " CI=true, so this is a failure, not a skip.");
        }
        return Assumptions.abort(message);
    }

    private static String missingMessage(@Nullable Path folder) {
        if (folder == null) {
            return "The realdocs folder is missing: the shared folder is unknown (set -D"
                    + RepoLocator.SHARED_DIR_PROPERTY + " to the folder holding realdocs/).";
        }
        return "The realdocs folder is missing: " + folder + " does not exist (set -D"
                + RepoLocator.SHARED_DIR_PROPERTY + " to the folder holding realdocs/).";
    }
}
