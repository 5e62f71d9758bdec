package dev.gatehouse.syslog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How much of a value the System Log keeps, and how a refused value is described instead of kept (outside review, finding 2). */
class LogTextTest {

    @Test
    void aValueWithinItsLimitIsKeptAsIsAndALongerOneIsCutWithAMark() {
        assertThat(LogText.bounded("x".repeat(255), 255)).isEqualTo("x".repeat(255));
        assertThat(LogText.bounded("x".repeat(256), 255)).hasSize(255).endsWith("x…");
        assertThat(LogText.bounded(null, 10)).isNull();
    }

    @Test
    void aCutNeverSplitsASurrogatePairAndNulBecomesAReplacementCharacter() {
        String emoji = "\uD83D\uDE00";   // one code point, two chars
        String cut = LogText.bounded("a".repeat(253) + emoji + "tail", 255);
        assertThat(cut).hasSizeLessThanOrEqualTo(255).endsWith("a…");
        assertThat(cut.chars().filter(c -> Character.isSurrogate((char) c)).count()).as("no lone surrogate").isEven();
        assertThat(LogText.bounded("a\u0000b", 10)).isEqualTo("a\uFFFDb");
    }

    @Test
    void aRefusedValueIsItsLengthAndAnEscapedPrefixOnly() {
        String huge = "<script>\"\\\r\n" + "z".repeat(950_000);
        String d = LogText.refused(huge);
        assertThat(d).isEqualTo("[refused: 950012 characters, starting \"\\u003cscript\\u003e\\u0022\\u005c\\u000d\\u000azzzz\"]");
        assertThat(LogText.refused("short")).isEqualTo("[refused: 5 characters, \"short\"]");
        assertThat(LogText.refused("\uD83D\uDE00")).isEqualTo("[refused: 2 characters, \"\\u{1f600}\"]");
        assertThat(LogText.refused(null)).isEqualTo("[refused: no value]");
        assertThat(LogText.refused("é".repeat(100_000))).hasSizeLessThan(140);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bell\u0007", "line\nbreak", "zero\u200bwidth", "bidi\u202eoverride", "nul\u0000", "private\uE000use", "lone\uD800"})
    void aValueWithAControlFormatOrUnassignedCharacterIsNotPlausible(String value) {
        assertThat(LogText.plausible(value, 100)).isFalse();
        assertThat(LogText.ifPlausible(value, 100)).startsWith("[refused: ");
    }

    @Test
    void aPlausibleValueIsLoggedAsSent() {
        assertThat(LogText.ifPlausible("0oa1b2c3d4e5f6g7h8i9", 100)).isEqualTo("0oa1b2c3d4e5f6g7h8i9");
        assertThat(LogText.ifPlausible("Zoë Ünïcode-Name@example.com", 100)).isEqualTo("Zoë Ünïcode-Name@example.com");
        assertThat(LogText.ifPlausible("x".repeat(101), 100)).startsWith("[refused: 101 characters");
        assertThat(LogText.ifPlausible(null, 100)).isNull();
    }

    @Test
    void debugDataKeepsTheRequestUriAndDropsWhatDoesNotFit() {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            data.put("k" + i, "v".repeat(2_000));
        }
        data.put("nested", Map.of("list", List.of("a".repeat(5_000), 1, true)));
        data.put(SystemLog.REQUEST_URI, "/oauth2/default/v1/token");
        Map<String, Object> out = LogText.debugData(data, v -> new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(v).toString().length());

        assertThat(out).containsEntry(SystemLog.REQUEST_URI, "/oauth2/default/v1/token").containsKey("entriesOmitted");
        assertThat(out.get("k0")).asString().hasSize(1024).endsWith("…");
        assertThat(out.size()).isLessThanOrEqualTo(LogText.DEBUG_ENTRIES);
        assertThat((int) out.get("entriesOmitted")).isEqualTo(data.size() - (out.size() - 1));
    }
}
