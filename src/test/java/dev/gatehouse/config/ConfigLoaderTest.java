package dev.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @Test
    void defaultsGiveALocalServerOnAnEmbeddedDatabase() {
        GatehouseConfig c = ConfigLoader.load(List.of(), Map.of());
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.baseUrl()).isEqualTo("http://localhost:9000");
        assertThat(c.embeddedDatabase()).isTrue();
        assertThat(c.jdbcUrl()).startsWith("jdbc:h2:file:").contains("MODE=PostgreSQL");
        assertThat(c.httpsPort()).isEmpty();
        assertThat(c.adminPassword()).isEmpty();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.properties");
        Files.writeString(file, "GATEHOUSE_PORT=7001\nGATEHOUSE_BIND=0.0.0.0\nGATEHOUSE_ORG_NAME=From file\n");
        GatehouseConfig c = ConfigLoader.load(List.of("--port=7003", "--config", file.toString()),
                Map.of("GATEHOUSE_PORT", "7002", "GATEHOUSE_BIND", "127.0.0.2"));
        assertThat(c.port()).isEqualTo(7003);
        assertThat(c.bind()).isEqualTo("127.0.0.2");
        assertThat(c.orgName()).isEqualTo("From file");
        assertThat(c.baseUrl()).isEqualTo("http://localhost:7003");
    }

    @Test
    void baseUrlLosesItsTrailingSlash() {
        assertThat(ConfigLoader.load(List.of("--base-url", "https://id.example.com/"), Map.of()).baseUrl()).isEqualTo("https://id.example.com");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--port=abc                          | GATEHOUSE_PORT must be a whole number from 0 to 65535 (got 'abc')",
            "--port=70000                        | GATEHOUSE_PORT must be a whole number",
            "--https-port=x                      | GATEHOUSE_HTTPS_PORT must be a whole number",
            "--base-url=ftp://x                  | GATEHOUSE_BASE_URL must be an absolute http:// or https:// URL",
            "--base-url=localhost:9000           | GATEHOUSE_BASE_URL must be an absolute",
            "--db-url=postgres://localhost/x     | GATEHOUSE_DB_URL must be a JDBC URL",
            "--admin-email=nobody                | GATEHOUSE_ADMIN_EMAIL must be an e-mail address",
            "--admin-password=short              | GATEHOUSE_ADMIN_PASSWORD must have at least 8 characters",
            "--api-token=tiny                    | GATEHOUSE_API_TOKEN must be at least 20 characters",
            "--log-format=xml                    | GATEHOUSE_LOG_FORMAT must be 'text' or 'json'",
            "--tls-cert=/x.pem                   | GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY go together",
            "--colour=blue                       | Unknown option '--colour'",
            "--port                              | Option --port needs a value",
            "--config=/does/not/exist.properties | Cannot read the configuration file /does/not/exist.properties"})
    void badValuesAreRefusedWithOneClearLine(String arg, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(arg), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void badEnvironmentValuesAreRefusedToo() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("GATEHOUSE_DB_POOL_SIZE", "0")))
                .hasMessageStartingWith("GATEHOUSE_DB_POOL_SIZE must be a whole number from 1 to 200");
    }

    @Test
    void unknownKeysInTheFileAreRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("g.properties");
        Files.writeString(file, "GATEHOUSE_PROT=1\n");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()), Map.of()))
                .hasMessageContaining("Unknown key 'GATEHOUSE_PROT'");
    }
}
