package dev.gatehouse.junit;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting and stopping the server the extension runs, its start times, and what a bad org file does. */
class EmbeddedGatehouseTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Starts six servers one after the other, as six test classes would, and prints how long each took and how long
     * the first start in this JVM took (it loads Gatehouse's classes). The numbers go into the README; nothing here
     * asserts a time (the machine decides those), only that each server is up, on a port of its own, and gone after.
     */
    @Test
    void startsOneAfterAnotherAndStopsCleanly() throws Exception {
        List<Long> millis = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        boolean jvmFirstIsOurs = EmbeddedGatehouse.firstInThisJvm == null;
        for (int i = 0; i < 6; i++) {
            EmbeddedGatehouse s = EmbeddedGatehouse.start("payroll-org.yaml", List.of());
            try {
                millis.add(s.startTime().toMillis());
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ports).doesNotContain(s.port());
                ports.add(s.port());
            } finally {
                s.close();
            }
            assertThat(Files.exists(s.dataDir())).as("data directory removed").isFalse();
            assertThatThrownBy(() -> DriverManager.getConnection(s.dbUrl().replace(";DB_CLOSE_DELAY=-1", "") + ";IFEXISTS=TRUE").close())
                    .as("in-memory database dropped").hasMessageContaining("not found");
        }
        List<Long> later = jvmFirstIsOurs ? millis.subList(1, millis.size()) : millis;
        String line = "gatehouse-junit start times: first in this JVM " + EmbeddedGatehouse.firstInThisJvm.toMillis()
                + " ms; later ones " + later.stream().map(m -> m + " ms").toList();
        System.out.println(line);
        Path report = Path.of("target", "gatehouse-junit-start-times.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, line + System.lineSeparator());
    }

    @Test
    void anOrgFileWithProblemsStopsTheStartListingThem() {
        assertThatThrownBy(() -> EmbeddedGatehouse.start("broken-org.yaml", List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken-org.yaml:3")
                .hasMessageContaining("Nobody");
    }

    @Test
    void aMissingOrgFileSaysWhereItLooked() {
        assertThatThrownBy(() -> GatehouseExtension.withOrg("no-such-org.yaml").beforeAll(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("src/test/resources/no-such-org.yaml");
    }

    @Test
    void theExtensionsOwnSettingsAreNotForTheTestAndNothingRunsBeforeTheClassStarts() {
        assertThatThrownBy(() -> GatehouseExtension.withEmptyOrg().withSetting("--port", "9000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("free port");
        assertThatThrownBy(() -> GatehouseExtension.withOrg("payroll-org.yaml").issuer())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("static");
    }

    @Test
    void anOrgFileMayBeAPathAndSettingsPassThrough() throws Exception {
        Path file = Path.of("src/test/resources/payroll-org.yaml").toAbsolutePath();
        EmbeddedGatehouse s = EmbeddedGatehouse.start(file.toString(), List.of("--org-name", "Payroll Test Org"));
        try {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/signin")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("Payroll Test Org");
            assertThat(s.passwordInOrgFile("ada@example.com")).isEqualTo("Correct-Horse-Battery-1");
        } finally {
            s.close();
        }
    }
}
