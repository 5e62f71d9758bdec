package dev.gatehouse;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The command line: {@code gatehouse serve} and friends. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "Gatehouse 0.1.0",
        description = "A self-hosted identity provider that speaks Okta's protocols.",
        subcommands = {Gatehouse.Serve.class, Gatehouse.Warmup.class, CommandLine.HelpCommand.class, Demo.class,
                dev.gatehouse.orgfile.OrgCommand.class})
public final class Gatehouse {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Gatehouse()).execute(args);
    }

    @Command(name = "serve", description = "Start the server (embedded H2 unless GATEHOUSE_DB_URL is set).")
    static final class Serve implements Callable<Integer> {

        @Unmatched
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() {
            PrintStream out = System.out;
            if (options.contains("--help") || options.contains("-h")) {
                printHelp(out);
                return 0;
            }
            GatehouseConfig config;
            Wiring wiring;
            try {
                config = ConfigLoader.load(options, System.getenv());
                Logging.apply(config.logFormat());
                // Microsecond ticks: what the databases store, so a timestamp read back equals the one written.
                wiring = Wiring.start(config, Clock.tick(Clock.systemUTC(), java.time.Duration.ofNanos(1_000)));
            } catch (ConfigException e) {
                System.err.println("gatehouse: " + e.getMessage());
                return 2;
            }
            Banner.print(out, wiring);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                wiring.close();
                stopped.countDown();
            }, "gatehouse-shutdown"));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }

        private static void printHelp(PrintStream out) {
            out.println("Usage: gatehouse serve [--option=value ...]");
            out.println();
            out.println("Every option can also be set as an environment variable or in a properties file (--config FILE).");
            out.println("Precedence: option > environment > file > default.");
            out.println();
            for (ConfigLoader.Setting s : ConfigLoader.SETTINGS) {
                out.printf("  %-22s %-26s %s%s%n", s.flag(), s.env(), s.help(),
                        s.defaultValue() == null ? "" : " [" + s.defaultValue() + "]");
            }
        }
    }

    /**
     * Starts a throw-away server on a temporary H2 store, sends it the requests a first start
     * sees, and stops: the launcher runs this once per build to record the JVM's class cache
     * (AOT cache on JDK 25+, CDS archive before), which halves the start time of {@code serve}.
     */
    @Command(name = "warmup", hidden = true)
    static final class Warmup implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gatehouse-warmup");
            GatehouseConfig config = ConfigLoader.load(List.of("--data-dir", dir.toString(), "--port", "0",
                    "--admin-password", "Warmup-Password-1"), java.util.Map.of());
            try (Wiring w = Wiring.start(config, Clock.systemUTC());
                 java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                for (String path : List.of("/health/ready", "/", "/api/v1/api-tokens", "/nope", "/assets/gatehouse.css")) {
                    http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + w.port() + path)).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                }
            }
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            return 0;
        }
    }
}
