package dev.gatehouse;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Logging;
import dev.gatehouse.demo.DemoGuide;
import dev.gatehouse.demo.DemoSeed;
import dev.gatehouse.demo.SampleSpa;
import dev.gatehouse.storage.Ids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code gatehouse demo}: Gatehouse (as {@code serve}, with the same options) and the sample SPA together, a demo
 * user to sign in with, and Okta's SPA guide printed as steps with the values to type. The admin creates the app
 * in the console, as the guide says; {@code --seed-app} creates it instead, for someone in a hurry.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start Gatehouse and the sample SPA together and print the steps of Okta's SPA guide.",
                "Other options are serve's ('gatehouse serve --help'), e.g. --port=9000 --data-dir=./data."})
final class Demo implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--seed-app", description = "Also create the SPA app integration (feature, app, trusted origin), ready to sign in.")
    boolean seedApp;

    @Option(names = "--spa-port", defaultValue = "8080", description = "Port of the sample SPA [8080].")
    int spaPort;

    @Option(names = "--spa-dir", defaultValue = "samples/spa", description = "The sample SPA's folder [samples/spa].")
    Path spaDir;

    @Unmatched
    List<String> options = new ArrayList<>();

    /** Gatehouse and the SPA, running; closing stops both. */
    record Running(Wiring wiring, SampleSpa spa, DemoSeed.DemoUser user, Optional<DemoSeed.DemoApp> app) implements AutoCloseable {
        @Override
        public void close() {
            spa.close();
            wiring.close();
        }
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Running running;
        try {
            running = start(ConfigLoader.load(options, System.getenv()), spaDir, spaPort, seedApp, out);
        } catch (ConfigException e) {
            System.err.println("gatehouse demo: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "gatehouse-demo-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Starts the SPA, then Gatehouse, seeds, and prints the banner and the guide. */
    static Running start(GatehouseConfig config, Path spaDir, int spaPort, boolean seedApp, PrintStream out) {
        Logging.apply(config.logFormat());
        SampleSpa spa = SampleSpa.start(spaDir, spaPort); // first: a taken port fails before anything is written
        Wiring wiring;
        try {
            wiring = Wiring.start(config, Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000)));
        } catch (RuntimeException e) {
            spa.close();
            throw e;
        }
        try {
            DemoSeed seed = new DemoSeed(wiring.users, wiring.apps, wiring.trustedOrigins, wiring.features, new Ids(new SecureRandom()),
                    config.dataDir());
            DemoSeed.DemoUser user = seed.ensureDemoUser();
            Optional<DemoSeed.DemoApp> app = seedApp ? Optional.of(seed.ensureApp(spa.origin())) : Optional.empty();
            Banner.print(out, wiring);
            DemoGuide.print(out, new DemoGuide.Values(config.consoleUrl(), config.adminEmail(), config.baseUrl() + "/oauth2/default",
                    spa.origin().toString(), DemoSeed.SpaUris.of(spa.origin()), user, app.map(DemoSeed.DemoApp::app)));
            out.println("Demo ready " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms after the JVM started.");
            out.flush();
            return new Running(wiring, spa, user, app);
        } catch (RuntimeException e) {
            spa.close();
            wiring.close();
            throw e;
        }
    }

    /** For tests: {@link #start} with serve's options given as a list and no environment. */
    static Running start(List<String> serveOptions, Path spaDir, int spaPort, boolean seedApp, PrintStream out) {
        return start(ConfigLoader.load(serveOptions, Map.of()), spaDir, spaPort, seedApp, out);
    }
}
