package dev.gatehouse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of docs/ARCHITECTURE.md that imports can show. "Parse at the edge, decide in plain Java": only the HTTP edge
 * imports Javalin — the route tables, the Api/Pages/Endpoint classes, and the shared HTTP plumbing; use cases, grants,
 * token code, stores and validators never do. "Plumbing knows no capability": see {@link #plumbingNeverImportsACapability}.
 * And three that the source text shows: SQL only in stores, SystemLog and Database
 * ({@link #sqlLivesOnlyInStoresTheSystemLogAndTheDatabase}), every store built once in Wiring
 * ({@link #storesAreBuiltOnceInWiring}), JSON rendered by the {@code *Json} classes ({@link #apiClassesRenderThroughTheirJsonClass}).
 */
class ArchitectureTest {

    private static final List<String> EDGE_SUFFIXES = List.of("Api.java", "Pages.java", "Routes.java", "Endpoint.java");
    /** Shared edge plumbing, each reading or writing HTTP for a surface. */
    private static final Set<String> EDGE_PLUMBING = Set.of("ApiAuth.java", "ApiRequests.java", "Paging.java", "Console.java",
            "TokenForm.java", "Cors.java", "SessionCookie.java");

    @Test
    void onlyTheHttpEdgeImportsJavalin() throws IOException {
        Path root = Path.of("src/main/java/dev/gatehouse");
        try (Stream<Path> files = Files.walk(root)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(root.resolve("http")))
                    .filter(p -> EDGE_SUFFIXES.stream().noneMatch(s -> p.getFileName().toString().endsWith(s)))
                    .filter(p -> !EDGE_PLUMBING.contains(p.getFileName().toString()))
                    .filter(ArchitectureTest::importsJavalin)
                    .map(p -> root.relativize(p).toString())
                    .toList();
            assertThat(offenders).as("classes outside the HTTP edge that import io.javalin").isEmpty();
        }
    }

    @Test
    void grantsTokensAndUseCasesStayPlainJava() throws IOException {
        Path root = Path.of("src/main/java/dev/gatehouse");
        for (String dir : List.of("oauth/grants", "oauth/issued", "oauth/codes", "directory", "apps", "features", "origins", "sessions", "mfa")) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                files.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> EDGE_SUFFIXES.stream().noneMatch(s -> p.getFileName().toString().endsWith(s)))
                        .filter(p -> !EDGE_PLUMBING.contains(p.getFileName().toString()))
                        .forEach(p -> assertThat(importsJavalin(p)).as(p.toString()).isFalse());
            }
        }
    }

    /**
     * The plumbing packages (configuration, the error vocabulary, storage, the System Log's core, the HTTP edge, and the
     * management API's and the console's shared machinery) know no capability: they are what capabilities are built on, and
     * the route tables that tie them together live with the composition root ({@code Wiring}, {@code ApiRoutes},
     * {@code ConsoleRoutes}). An import from a plumbing package up to a capability (or to the root) fails here, naming it.
     */
    @Test
    void plumbingNeverImportsACapability() throws IOException {
        Path root = Path.of("src/main/java/dev/gatehouse");
        List<String> offenders = new java.util.ArrayList<>();
        for (String dir : PLUMBING) {
            try (Stream<Path> files = Files.walk(root.resolve(dir))) {
                for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(p)) {
                        java.util.regex.Matcher m = GATEHOUSE_IMPORT.matcher(line);
                        if (m.find() && !PLUMBING.contains(m.group(1))) {
                            offenders.add(root.relativize(p) + " imports " + line.substring(7).replace(";", ""));
                        }
                    }
                }
            }
        }
        assertThat(offenders).as("imports from a plumbing package up to a capability or the composition root").isEmpty();
    }

    @Test
    void theErrorVocabularyIsALeaf() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/gatehouse/errors"))) {
            files.forEach(p -> {
                try {
                    assertThat(Files.readString(p)).as(p.toString()).doesNotContain("import dev.gatehouse.");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * "SQL lives only in stores, SystemLog and Database": a statement or a JDBI query anywhere else fails here, naming the
     * file and line. Migrations (Flyway's Java migrations, which run before any store exists) are the one other place.
     */
    @Test
    void sqlLivesOnlyInStoresTheSystemLogAndTheDatabase() throws IOException {
        Path root = Path.of("src/main/java/dev/gatehouse");
        List<String> offenders = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith("Store.java") || SQL_HOMES.contains(name) || p.getParent().getFileName().toString().equals("migration")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (SQL_TEXT.stream().anyMatch(line::contains) || SQL_IN_TEXT_BLOCK.matcher(line).find()) {
                        offenders.add(root.relativize(p) + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertThat(offenders).as("SQL outside the stores, SystemLog, Database and migrations").isEmpty();
    }

    /**
     * Stores are built once, in {@code Wiring}, and handed to whoever needs them: {@code new XStore(} nowhere else in the
     * main code, and in Wiring at most once per store.
     */
    @Test
    void storesAreBuiltOnceInWiring() throws IOException {
        Path root = Path.of("src/main/java/dev/gatehouse");
        List<String> offenders = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                java.util.regex.Matcher m = NEW_STORE.matcher(Files.readString(p));
                java.util.Map<String, Integer> built = new java.util.TreeMap<>();
                while (m.find()) {
                    built.merge(m.group(1), 1, Integer::sum);
                }
                boolean wiring = p.equals(root.resolve("Wiring.java"));
                built.forEach((store, times) -> {
                    if (!wiring) {
                        offenders.add(root.relativize(p) + " builds a " + store);
                    } else if (times > 1) {
                        offenders.add("Wiring builds " + times + " " + store + "s");
                    }
                });
            }
        }
        assertThat(offenders).as("stores built outside Wiring, or more than once").isEmpty();
    }

    /**
     * JSON in one style: an {@code *Api} class reads the request and calls the use case; the capability's {@code *Json}
     * class (AppJson, DirectoryJson, FeatureJson …) renders the answer. A method building a JSON map inside an
     * {@code *Api} class fails here.
     */
    @Test
    void apiClassesRenderThroughTheirJsonClass() throws IOException {
        Path root = Path.of("src/main/java/dev/gatehouse");
        try (Stream<Path> files = Files.walk(root)) {
            List<String> offenders = files.filter(p -> p.getFileName().toString().endsWith("Api.java"))
                    .filter(p -> {
                        try {
                            return JSON_METHOD.matcher(Files.readString(p)).find();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(p -> root.relativize(p).toString())
                    .toList();
            assertThat(offenders).as("*Api classes with a method that builds a JSON map (move it to the capability's *Json)").isEmpty();
        }
    }

    /** A method that returns a JSON object as a map. */
    private static final java.util.regex.Pattern JSON_METHOD = java.util.regex.Pattern.compile("Map<String, Object> \\w+\\(");

    /** The text of SQL in Java: a statement's first word opening a string, or a JDBI statement being made. */
    private static final List<String> SQL_TEXT = List.of("\"SELECT ", "\"UPDATE ", "\"INSERT ", "\"DELETE ", "createQuery(", "createUpdate(",
            "prepareStatement(");
    /** A line of a text block that starts a statement ({@code """} then {@code SELECT …} on the next line). */
    private static final java.util.regex.Pattern SQL_IN_TEXT_BLOCK = java.util.regex.Pattern.compile("^\\s*(SELECT|UPDATE|INSERT INTO|DELETE FROM) ");
    /** Where SQL may live besides the {@code *Store} classes and the migrations. */
    private static final Set<String> SQL_HOMES = Set.of("SystemLog.java", "Database.java");
    /** {@code new SomethingStore(}: a store being built (not a nested {@code Outer.Store}, which is no table's SQL). */
    private static final java.util.regex.Pattern NEW_STORE = java.util.regex.Pattern.compile("\\bnew\\s+([A-Z][A-Za-z0-9]*Store)\\s*\\(");

    /** Packages (first segment under dev/gatehouse) that are plumbing; everything else is a capability or the root. */
    private static final Set<String> PLUMBING = Set.of("config", "errors", "storage", "syslog", "http", "api", "console");
    /** {@code import dev.gatehouse.<segment>…}; a class of the root package ({@code dev.gatehouse.Wiring}) has an upper-case segment. */
    private static final java.util.regex.Pattern GATEHOUSE_IMPORT = java.util.regex.Pattern.compile("^import (?:static )?dev\\.gatehouse\\.([A-Za-z0-9_]+)");

    private static boolean importsJavalin(Path p) {
        try {
            return Files.readString(p).contains("import io.javalin");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
