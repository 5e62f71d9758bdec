package dev.gatehouse.reports;

import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.SystemLog.Series;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The System Log page's chart, laid out in Java and drawn by {@code syslog/chart.jte} as inline SVG (the CSP allows
 * no scripts, and a server-side picture needs none): per time bucket, one bar for each {@link Series}. Buckets are a
 * "round" width (5 minutes … 7 days) chosen so a range has at most {@link #MAX_BUCKETS}, aligned to UTC.
 */
public record LogChart(Instant start, Instant end, Duration width, List<Bucket> buckets, List<Legend> legend, List<Tick> yTicks,
                       long[] totals, String summary) {

    static final int MAX_BUCKETS = 48;
    public static final int WIDTH = 960;
    public static final int HEIGHT = 280;
    static final int LEFT = 48;
    static final int RIGHT = 12;
    static final int TOP = 16;
    static final int BOTTOM = 40;

    private static final List<Duration> WIDTHS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2),
            Duration.ofDays(3), Duration.ofDays(7), Duration.ofDays(14), Duration.ofDays(30));
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** One bar: where it is, what it counts ({@code series} is the CSS and data name), and its spoken label. */
    public record Bar(String series, int bucket, long count, double x, double y, double width, double height, String label) {
    }

    public record Bucket(Instant from, Instant to, List<Bar> bars, String axisLabel, double labelX) {
    }

    public record Legend(String series, String label, long total) {
    }

    public record Tick(long value, double y) {
    }

    /** The buckets covering {@code [since, until)}: their count and aligned start. */
    public record Layout(Instant start, Duration width, int count) {
        public static Layout covering(Instant since, Instant until) {
            long span = Math.max(1, Duration.between(since, until).toSeconds());
            // Past the longest round width (ranges of years), any width that keeps the bucket count in bounds.
            Duration w = WIDTHS.stream().filter(d -> span / d.toSeconds() < MAX_BUCKETS).findFirst()
                    .orElseGet(() -> Duration.ofSeconds(span / (MAX_BUCKETS - 2) + 1));
            long ws = w.toSeconds();
            long first = Math.floorDiv(since.getEpochSecond(), ws) * ws;
            long last = Math.floorDiv(until.getEpochSecond() + ws - 1, ws) * ws;
            int count = (int) Math.max(1, (last - first) / ws);
            return new Layout(Instant.ofEpochSecond(first), w, count);
        }
    }

    public static LogChart of(Layout layout, List<Series> series, long[][] counts) {
        long max = 0;
        long[] totals = new long[series.size()];
        for (int s = 0; s < series.size(); s++) {
            for (long c : counts[s]) {
                max = Math.max(max, c);
                totals[s] += c;
            }
        }
        long top = niceCeiling(max);
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = plotWidth / layout.count();
        double barWidth = Math.max(1, (slot * 0.8) / series.size());
        int labelEvery = (int) Math.ceil(layout.count() / 8.0);
        boolean days = layout.width().compareTo(Duration.ofDays(1)) >= 0;
        List<Bucket> buckets = new ArrayList<>();
        for (int b = 0; b < layout.count(); b++) {
            Instant from = layout.start().plus(layout.width().multipliedBy(b));
            Instant to = from.plus(layout.width());
            List<Bar> bars = new ArrayList<>();
            for (int s = 0; s < series.size(); s++) {
                long count = counts[s][b];
                double h = plotHeight * count / top;
                double x = LEFT + b * slot + slot * 0.1 + s * barWidth;
                bars.add(new Bar(cssName(series.get(s)), b, count, round(x), round(TOP + plotHeight - h), round(barWidth), round(h),
                        series.get(s).label + ", " + FULL.format(from) + " to " + FULL.format(to) + " UTC: " + count));
            }
            String axis = b % labelEvery != 0 ? "" : days ? DAY.format(from) : b == 0 || CLOCK.format(from).equals("00:00")
                    ? FULL.format(from) : CLOCK.format(from);
            buckets.add(new Bucket(from, to, bars, axis, round(LEFT + b * slot + slot / 2)));
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            long value = top * i / 4;
            if (i == 0 || value != ticks.getLast().value()) {
                ticks.add(new Tick(value, round(TOP + plotHeight - plotHeight * value / top)));
            }
        }
        List<Legend> legend = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            legend.add(new Legend(cssName(series.get(s)), series.get(s).label, totals[s]));
            parts.add(series.get(s).label + ": " + totals[s]);
        }
        Instant end = layout.start().plus(layout.width().multipliedBy(layout.count()));
        String summary = String.join(", ", parts) + ", from " + FULL.format(layout.start()) + " to " + FULL.format(end)
                + " UTC, per " + describe(layout.width()) + ".";
        return new LogChart(layout.start(), end, layout.width(), buckets, legend, ticks, totals, summary);
    }

    public boolean empty() {
        for (long t : totals) {
            if (t > 0) {
                return false;
            }
        }
        return true;
    }

    public double plotBottom() {
        return HEIGHT - BOTTOM;
    }

    public double plotLeft() {
        return LEFT;
    }

    public double plotRight() {
        return WIDTH - RIGHT;
    }

    static String cssName(Series s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The axis top: four equal steps of 1, 2 or 5 × 10^n that reach {@code max} (so every tick is a whole number). */
    static long niceCeiling(long max) {
        for (long p = 1; ; p *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if (4 * m * p >= max) {
                    return 4 * m * p;
                }
            }
        }
    }

    private static String describe(Duration d) {
        if (d.toDays() >= 1) {
            return d.toDays() == 1 ? "day" : d.toDays() + " days";
        }
        if (d.toHours() >= 1) {
            return d.toHours() == 1 ? "hour" : d.toHours() + " hours";
        }
        return d.toMinutes() + " minutes";
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
