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
        for (String dir : List.of("oauth/grants", "oauth/issued", "oauth/codes", "directory", "apps", "features", "origins", "sessions")) {
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
