package dev.gatehouse.reports;

import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.ClientUserAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart's layout: round bucket widths aligned to UTC, whole-number ticks, bars as tall as their counts. */
class LogChartTest {

    private static final Instant NOW = Instant.parse("2026-03-10T14:37:12Z");

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"PT1H, PT5M", "PT24H, PT1H", "P7D, PT6H", "P30D, P1D", "P90D, P2D"})
    void aRangeGetsARoundBucketWidth(Duration range, Duration width) {
        LogChart.Layout layout = LogChart.Layout.covering(NOW.minus(range), NOW);
        assertThat(layout.width()).isEqualTo(width);
        assertThat(layout.count()).isBetween(1, LogChart.MAX_BUCKETS);
        assertThat(layout.start().getEpochSecond() % width.toSeconds()).as("aligned to UTC").isZero();
        assertThat(layout.start()).isBeforeOrEqualTo(NOW.minus(range));
        assertThat(layout.start().plus(width.multipliedBy(layout.count()))).isAfterOrEqualTo(NOW);
    }

    @Test
    void rangesOfYearsStillFitTheChart() {
        LogChart.Layout layout = LogChart.Layout.covering(Instant.parse("1990-01-01T00:00:00Z"), NOW);
        assertThat(layout.count()).isLessThanOrEqualTo(LogChart.MAX_BUCKETS);
        assertThat(layout.start().plus(layout.width().multipliedBy(layout.count()))).isAfterOrEqualTo(NOW);
    }

    @ParameterizedTest(name = "max {0} → axis top {1}")
    @CsvSource({"0, 4", "1, 4", "4, 4", "5, 8", "7, 8", "13, 20", "41, 80", "100, 200", "1000, 2000", "1999, 2000"})
    void theAxisTopIsFourEqualRoundSteps(long max, long top) {
        assertThat(LogChart.niceCeiling(max)).isEqualTo(top);
    }

    @Test
    void barsAreAsTallAsTheirCountsAndSayWhatTheyCount() {
        LogChart.Layout layout = LogChart.Layout.covering(NOW.minus(Duration.ofHours(3)), NOW);
        long[][] counts = new long[3][layout.count()];
        counts[0][1] = 8;
        counts[0][2] = 2;
        counts[2][2] = 4;
        LogChart chart = LogChart.of(layout, List.of(SystemLog.Series.values()), counts);
        LogChart.Bar tall = chart.buckets().get(1).bars().get(0);
        LogChart.Bar low = chart.buckets().get(2).bars().get(0);
        assertThat(tall.series()).isEqualTo("sign-ins");
        assertThat(tall.height()).isEqualTo(low.height() * 4, org.assertj.core.data.Offset.offset(0.2));
        assertThat(tall.y() + tall.height()).isEqualTo(chart.plotBottom(), org.assertj.core.data.Offset.offset(0.2));
        assertThat(tall.label()).startsWith("Sign-ins, ").endsWith(" UTC: 8");
        assertThat(chart.buckets().get(2).bars().get(2).series()).isEqualTo("failures");
        assertThat(chart.totals()).containsExactly(10, 0, 4);
        assertThat(chart.summary()).startsWith("Sign-ins: 10, Token grants: 0, Failures: 4, from ");
        assertThat(chart.yTicks()).extracting(LogChart.Tick::value).containsExactly(0L, 2L, 4L, 6L, 8L);
        assertThat(chart.empty()).isFalse();
        assertThat(LogChart.of(layout, List.of(SystemLog.Series.values()), new long[3][layout.count()]).empty()).isTrue();
    }

    @ParameterizedTest(name = "{2} on {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0 | Windows 10 | EDGE
            Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0                                                  | Linux      | FIREFOX
            Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/604.1 | iOS      | SAFARI
            Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36               | Linux      | CHROME
            curl/8.5.0                                                                                                                | Unknown    | UNKNOWN
            """)
    void theUserAgentNamesItsSystemAndBrowser(String raw, String os, String browser) {
        ClientUserAgent ua = ClientUserAgent.parse(raw);
        assertThat(ua.os()).isEqualTo(os);
        assertThat(ua.browser()).isEqualTo(browser);
        assertThat(ClientUserAgent.parse(" ")).isNull();
    }
}
