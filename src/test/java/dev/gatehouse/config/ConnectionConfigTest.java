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

/** Jetty's connection limit and timeouts (outside review, finding 8): each a flag, a variable and a file key, checked at start. */
class ConnectionConfigTest {

    @Test
    void defaultsAreAThousandConnectionsThirtySecondsIdleAndTwentyForHeaders() {
        GatehouseConfig c = ConfigLoader.load(List.of(), Map.of());
        assertThat(c.maxConnections()).isEqualTo(1000);
        assertThat(c.idleTimeoutSeconds()).isEqualTo(30);
        assertThat(c.headerTimeoutSeconds()).isEqualTo(20);
    }

    @Test
    void eachIsAFlagAVariableAndAFileKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.properties");
        Files.writeString(file, "GATEHOUSE_MAX_CONNECTIONS=500\nGATEHOUSE_IDLE_TIMEOUT_SECONDS=45\nGATEHOUSE_HEADER_TIMEOUT_SECONDS=7\n");
        GatehouseConfig fromFile = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        assertThat(List.of(fromFile.maxConnections(), fromFile.idleTimeoutSeconds(), fromFile.headerTimeoutSeconds())).containsExactly(500, 45, 7);

        GatehouseConfig fromEnv = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("GATEHOUSE_MAX_CONNECTIONS", "600", "GATEHOUSE_IDLE_TIMEOUT_SECONDS", "50", "GATEHOUSE_HEADER_TIMEOUT_SECONDS", "8"));
        assertThat(List.of(fromEnv.maxConnections(), fromEnv.idleTimeoutSeconds(), fromEnv.headerTimeoutSeconds())).containsExactly(600, 50, 8);

        GatehouseConfig fromFlags = ConfigLoader.load(List.of("--max-connections=700", "--idle-timeout-seconds", "60", "--header-timeout-seconds=9"),
                Map.of("GATEHOUSE_MAX_CONNECTIONS", "600"));
        assertThat(List.of(fromFlags.maxConnections(), fromFlags.idleTimeoutSeconds(), fromFlags.headerTimeoutSeconds())).containsExactly(700, 60, 9);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--max-connections=0            | GATEHOUSE_MAX_CONNECTIONS must be a whole number from 1 to 100000 (got '0').",
            "--max-connections=lots         | GATEHOUSE_MAX_CONNECTIONS must be a whole number from 1 to 100000 (got 'lots').",
            "--idle-timeout-seconds=0       | GATEHOUSE_IDLE_TIMEOUT_SECONDS must be a whole number from 1 to 3600 (got '0').",
            "--idle-timeout-seconds=1.5     | GATEHOUSE_IDLE_TIMEOUT_SECONDS must be a whole number from 1 to 3600 (got '1.5').",
            "--header-timeout-seconds=601   | GATEHOUSE_HEADER_TIMEOUT_SECONDS must be a whole number from 1 to 600 (got '601').",
            "--header-timeout-seconds=-1    | GATEHOUSE_HEADER_TIMEOUT_SECONDS must be a whole number from 1 to 600 (got '-1')."})
    void aBadValueStopsTheStartWithOneLine(String arg, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(arg), Map.of())).isInstanceOf(ConfigException.class).hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
