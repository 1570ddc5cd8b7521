// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A dynalite process (the npm package {@code dynalite}, an in-memory DynamoDB emulator) for
 * tests, started from {@code <repo>/node_modules/.bin/dynalite} on {@code 127.0.0.1} and a free
 * port, with table creation, deletion and update taking no time.
 *
 * <p>The repository root is the system property {@code vend.repo.dir} when set (the root pom
 * sets it for surefire), otherwise the nearest folder at or above the working directory whose
 * {@code package.json} names dynalite. Run {@code npm ci} there first.
 *
 * <p>Dynalite does not check signatures: any region and credentials work; {@link #REGION},
 * {@link #ACCESS_KEY_ID} and {@link #SECRET_ACCESS_KEY} are ready-made dummies. It supports
 * neither {@code TransactWriteItems} nor {@code UpdateTimeToLive}.
 *
 * <p>Two ways to use it: {@link #start()} in a try-with-resources (one process per caller,
 * killed on {@link #close()}), or {@link #shared()} / {@link DynaliteExtension} (one process for
 * the whole JVM, killed at JVM exit; give each test its own table name, see
 * {@link #uniqueTableName(String)}).
 *
 * <p>Thread-safe.
 */
public final class Dynalite implements AutoCloseable {

    /** A region to configure clients with. */
    public static final String REGION = "us-east-1";
    /** A dummy access key id; dynalite accepts any. */
    public static final String ACCESS_KEY_ID = "AKIDDYNALITETEST";
    /** A dummy secret access key; dynalite accepts any. */
    public static final String SECRET_ACCESS_KEY = "dynalite-test-secret";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;
    private static final String HOST = "127.0.0.1";
    private static @Nullable Dynalite sharedInstance;
    private static boolean shutdownHookAdded;

    private final Process process;
    private final int port;
    private final Path log;
    private final boolean shared;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Dynalite(Process process, int port, Path log, boolean shared) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.shared = shared;
    }

    /**
     * Starts a new dynalite process and waits until its port accepts connections.
     *
     * @throws IllegalStateException if dynalite is not installed (the message says to run
     *     {@code npm ci} at the repository root), or did not start within 15 s
     */
    public static Dynalite start() {
        return start(requireRepoDir(), false);
    }

    /**
     * The JVM-wide process, started on first use (or again if it died), killed by a shutdown hook
     * at JVM exit. {@link #close()} on it does nothing, so try-with-resources is harmless.
     */
    public static synchronized Dynalite shared() {
        var current = sharedInstance;
        if (current != null && current.isRunning()) {
            return current;
        }
        var fresh = start(requireRepoDir(), true);
        sharedInstance = fresh;
        if (!shutdownHookAdded) {
            shutdownHookAdded = true;
            var hook = new Thread(Dynalite::stopShared, "dynalite-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return fresh;
    }

    /** A table name no other test uses: the prefix, a dash and a random suffix. */
    public static String uniqueTableName(String prefix) {
        var suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return prefix + "-" + suffix;
    }

    /** {@code http://127.0.0.1:<port>}, for a client's endpoint override. */
    public URI endpoint() {
        return URI.create("http://" + HOST + ":" + port);
    }

    /** The port dynalite listens on. */
    public int port() {
        return port;
    }

    /** Whether the process is alive. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** The process id of the launched process. */
    public long pid() {
        return process.pid();
    }

    /**
     * Kills the process and its children and waits for them to end. Does nothing for the
     * {@link #shared()} instance. Idempotent.
     */
    @Override
    public void close() {
        if (!shared) {
            stop();
        }
    }

    @Override
    public String toString() {
        return "Dynalite[" + endpoint() + ", pid " + process.pid() + "]";
    }

    static Dynalite start(Path repoDir, boolean shared) {
        var executable = repoDir.resolve("node_modules/.bin/dynalite");
        if (!Files.isRegularFile(executable)) {
            throw new IllegalStateException("dynalite is not installed: " + executable
                    + " does not exist. Run `npm ci` at the repository root (" + repoDir + ").");
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return launch(repoDir, executable, shared);
            } catch (PortTakenException e) {
                // Another process took the free port between our probe and dynalite's bind.
                last = e;
            }
        }
        throw Objects.requireNonNull(last);
    }

    private static Dynalite launch(Path repoDir, Path executable, boolean shared) {
        var port = freePort();
        Path log;
        Process process;
        try {
            log = Files.createTempFile("dynalite-" + port + "-", ".log");
            process = new ProcessBuilder(command(executable, port))
                    .directory(repoDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        var dynalite = new Dynalite(process, port, log, shared);
        dynalite.awaitPort();
        return dynalite;
    }

    private static List<String> command(Path executable, int port) {
        return List.of(executable.toString(), "--host", HOST, "--port", Integer.toString(port),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
    }

    private void awaitPort() {
        var deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                var output = readLog();
                stop();
                if (output.contains("EADDRINUSE")) {
                    throw new PortTakenException(port, output);
                }
                throw new IllegalStateException("dynalite exited with code " + process.exitValue()
                        + " before listening on port " + port + ". Output:\n" + output);
            }
            if (accepts()) {
                return;
            }
            pause();
        }
        var output = readLog();
        stop();
        throw new IllegalStateException("dynalite did not listen on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s. Output:\n" + output);
    }

    private boolean accepts() {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        var children = process.toHandle().descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // A leftover log file in the temp folder is harmless.
        }
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static synchronized void stopShared() {
        if (sharedInstance != null) {
            sharedInstance.stop();
        }
    }

    private static Path requireRepoDir() {
        return RepoLocator.repoDir().orElseThrow(() -> new IllegalStateException(
                "cannot find the repository root: no package.json naming dynalite at or above "
                        + System.getProperty("user.dir") + ", and -D"
                        + RepoLocator.REPO_DIR_PROPERTY + " is not set. Set it, and run"
                        + " `npm ci` at the repository root."));
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dynalite", e);
        }
    }

    /** Dynalite could not bind the port it was given. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(int port, String output) {
            super("dynalite could not bind port " + port + ". Output:\n" + output);
        }
    }
}
