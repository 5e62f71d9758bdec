package dev.gatehouse.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** H2 file databases are opened so that a commit is in the file before it returns (see CrashSafetyTest for why). */
class DatabaseUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:h2:file:/d/gatehouse;MODE=PostgreSQL | jdbc:h2:file:/d/gatehouse;MODE=PostgreSQL;WRITE_DELAY=0
            jdbc:h2:/d/gatehouse                      | jdbc:h2:/d/gatehouse;WRITE_DELAY=0
            jdbc:h2:file:/d/g;write_delay=200         | jdbc:h2:file:/d/g;write_delay=200
            jdbc:h2:mem:test;MODE=PostgreSQL          | jdbc:h2:mem:test;MODE=PostgreSQL
            jdbc:postgresql://localhost:5432/g        | jdbc:postgresql://localhost:5432/g
            """)
    void h2FileDatabasesWriteEveryCommitAtOnce(String configured, String opened) {
        assertThat(Database.durable(configured)).isEqualTo(opened);
    }
}
