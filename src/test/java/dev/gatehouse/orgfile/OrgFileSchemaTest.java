package dev.gatehouse.orgfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The org file's JSON Schema ({@code docs/org-file.schema.json}, for editors and readers) says what {@link OrgFile} reads:
 * the same top-level keys and the same keys per kind, so the documentation cannot drift from the reader.
 */
class OrgFileSchemaTest {

    private static final JsonNode SCHEMA = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Path.of("docs/org-file.schema.json").toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> keys(JsonNode properties) {
        Set<String> out = new TreeSet<>();
        properties.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theSchemaListsTheKeysTheReaderKnows() {
        assertThat(SCHEMA.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(keys(SCHEMA.path("properties"))).isEqualTo(new TreeSet<>(OrgFile.TOP));
        JsonNode p = SCHEMA.path("properties");
        assertThat(keys(p.at("/groups/items/properties"))).isEqualTo(new TreeSet<>(OrgFile.GROUP_KEYS));
        assertThat(keys(p.at("/users/items/properties"))).isEqualTo(new TreeSet<>(OrgFile.USER_KEYS));
        assertThat(keys(p.at("/apps/items/properties"))).isEqualTo(new TreeSet<>(OrgFile.APP_KEYS));
        assertThat(keys(p.at("/trustedOrigins/items/properties"))).isEqualTo(new TreeSet<>(OrgFile.ORIGIN_KEYS));
        assertThat(keys(p.at("/authorizationServers/items/properties"))).isEqualTo(new TreeSet<>(OrgFile.SERVER_KEYS));
    }
}
