package dev.gatehouse.demo;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.origins.Origin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample SPA ({@code samples/spa}) served by its own {@code node serve.mjs}, as a child process of
 * {@code gatehouse demo}: the same server as {@code ./gatehouse sample-spa}, so the history fallback that lets
 * {@code /login/callback} load the app is written once. Its output is kept, not shown, unless it fails to start.
 * Closing it stops the process (the demo's shutdown hook does, so Ctrl-C stops both).
 */
public final class SampleSpa implements AutoCloseable {

    /** What serve.mjs prints once it listens. */
    private static final Pattern LISTENING = Pattern.compile("Sample SPA on http://localhost:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final int port;

    private SampleSpa(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code node <dir>/serve.mjs --port <port>} and waits until it listens; a clear {@link ConfigException} if it cannot. */
    public static SampleSpa start(Path dir, int port) {
        Path serve = dir.resolve("serve.mjs");
        if (!Files.isRegularFile(serve)) {
            throw new ConfigException("No sample SPA at " + dir.toAbsolutePath() + " (serve.mjs missing): give --spa-dir=<path to samples/spa>.");
        }
        if (!Files.isRegularFile(dir.resolve("node_modules/@okta/okta-auth-js/umd/default.js"))) {
            throw new ConfigException("The sample SPA's npm packages are missing: run 'npm ci' in " + dir.toAbsolutePath()
                    + " (./gatehouse demo does it for you).");
        }
        Process p;
        try {
            p = new ProcessBuilder("node", serve.toString(), "--port", Integer.toString(port)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new ConfigException("The sample SPA needs Node.js 20 or newer ('node' on the PATH): " + e.getMessage());
        }
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofVirtual().name("sample-spa-output").start(() -> {
            try (var lines = p.inputReader().lines()) {
                lines.forEach(line -> {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                    }
                });
            }
            listening.complete(-1); // ended without listening
        });
        try {
            int actual = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (actual > 0) {
                return new SampleSpa(p, actual);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // reported below
        }
        p.destroy();
        String said;
        synchronized (output) {
            said = String.join("\n    ", output);
        }
        String hint = said.contains("EADDRINUSE") ? " Port " + port + " is taken: choose another with --spa-port." : "";
        throw new ConfigException("The sample SPA did not start on port " + port + "." + hint
                + (said.isBlank() ? "" : "\n  node said:\n    " + said));
    }

    public int port() {
        return port;
    }

    /** Where a browser reaches it: {@code http://localhost:<port>}, the origin its redirect URIs are registered for. */
    public Origin origin() {
        return Origin.parse("http://localhost:" + port).orElseThrow();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
