package dev.gatehouse.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the console shows values to people (the API keeps Okta's formats). */
public final class Display {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Display() {
    }

    public static String time(Instant instant) {
        return instant == null ? "never" : TIME.format(instant);
    }
}
