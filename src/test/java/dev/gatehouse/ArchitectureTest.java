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
 * ARCHITECTURE.md rule 1, "parse at the edge, decide in plain Java": only the HTTP edge imports Javalin —
 * the route tables, the Api/Pages/Endpoint classes, and the shared HTTP plumbing. Use cases, grants,
 * token code, stores and validators never do.
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
        for (String dir : List.of("oauth/grants", "oauth/tokens", "oauth/codes", "directory", "apps", "features", "origins", "sessions")) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                files.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> EDGE_SUFFIXES.stream().noneMatch(s -> p.getFileName().toString().endsWith(s)))
                        .filter(p -> !EDGE_PLUMBING.contains(p.getFileName().toString()))
                        .forEach(p -> assertThat(importsJavalin(p)).as(p.toString()).isFalse());
            }
        }
    }

    private static boolean importsJavalin(Path p) {
        try {
            return Files.readString(p).contains("import io.javalin");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
