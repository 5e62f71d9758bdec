package dev.gatehouse.syslog;

import java.util.List;

/**
 * Okta's {@code client.userAgent}: the raw header and, read from it, the operating system and browser
 * (Okta's browser values: CHROME, FIREFOX, SAFARI, EDGE, OPERA, IE …; {@code UNKNOWN} and {@code Unknown} when unsure).
 * The order of the checks matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
 */
public record ClientUserAgent(String rawUserAgent, String os, String browser) {

    private record Rule(String marker, String name) {
    }

    private static final List<Rule> BROWSERS = List.of(new Rule("Edg/", "EDGE"), new Rule("OPR/", "OPERA"), new Rule("Firefox/", "FIREFOX"),
            new Rule("HeadlessChrome/", "CHROME"), new Rule("Chrome/", "CHROME"), new Rule("Chromium/", "CHROME"),
            new Rule("Safari/", "SAFARI"), new Rule("MSIE ", "IE"), new Rule("Trident/", "IE"));

    private static final List<Rule> SYSTEMS = List.of(new Rule("Windows NT 10", "Windows 10"), new Rule("Windows", "Windows"),
            new Rule("iPhone", "iOS"), new Rule("iPad", "iOS"), new Rule("Mac OS X", "Mac OS X"), new Rule("Android", "Android"),
            new Rule("CrOS", "Chrome OS"), new Rule("Linux", "Linux"));

    public static ClientUserAgent parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return new ClientUserAgent(raw, first(SYSTEMS, raw, "Unknown"), first(BROWSERS, raw, "UNKNOWN"));
    }

    private static String first(List<Rule> rules, String raw, String otherwise) {
        return rules.stream().filter(r -> raw.contains(r.marker())).map(Rule::name).findFirst().orElse(otherwise);
    }
}
