package dev.gatehouse.syslog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of a value the System Log keeps. Every field of an event is bounded here, whoever wrote the entry, so no
 * request can make an event large (outside review, finding 2: a 950 KB {@code client_id} at /token was stored whole,
 * ~5.7 MB per request). Okta truncates too; its System Log reference (developer.okta.com, System Log API, LogEvent
 * object, checked in okta/okta-developer-docs {@code reference/api/system-log/index.md}) documents a maximum of 255
 * characters for {@code eventType}, {@code displayMessage}, {@code legacyEventType}, {@code outcome.reason},
 * {@code authenticationContext.externalSessionId} and {@code interface}, and no length for the others. Where it is
 * silent Gatehouse chooses:
 * <ul>
 *   <li>actor and target {@code id}, {@code type}, {@code alternateId}, {@code displayName}: 255, as Okta's documented
 *       fields (and the columns: actor id 100, actor type 40; a login is at most 100, a label 100, an id 20-ish);</li>
 *   <li>{@code client.userAgent.rawUserAgent}: 512 (a browser's is 100 to 300), {@code ipAddress}: 64,
 *       {@code transaction.id}: 64;</li>
 *   <li>{@code target}: at most 50 entries (no event of Gatehouse has more than 3); more are dropped and counted in
 *       {@code debugData.targetsOmitted};</li>
 *   <li>{@code debugContext.debugData}: at most 30 entries, keys of at most 64 characters, a text value at most 1,024
 *       characters (a {@code requestUri} or a list of scopes fits), lists at most 50 items, nested maps bounded the
 *       same way two levels deep, and the whole object at most 8,192 characters of JSON (entries past that are dropped
 *       and counted in {@code debugData.entriesOmitted}).</li>
 * </ul>
 * A cut value ends with "…" so a reader sees it was cut; a cut never splits a surrogate pair, and U+0000 (which
 * PostgreSQL cannot store) becomes U+FFFD.
 *
 * <p>Separately, a value that failed a request's size or syntax check is not logged at all, only described
 * ({@link #refused}): its length and a short, escaped prefix. A well-formed value that merely names nothing (an
 * unknown client_id, an unregistered URI) is logged, bounded, because that is what an admin looks for.
 */
public final class LogText {

    public static final int TEXT = 255;
    public static final int USER_AGENT = 512;
    public static final int SHORT = 64;
    public static final int ACTOR_ID = 100;
    public static final int ACTOR_TYPE = 40;
    public static final int EVENT_TYPE = 100;
    public static final int OUTCOME_RESULT = 20;
    public static final int TARGETS = 50;
    public static final int DEBUG_ENTRIES = 30;
    public static final int DEBUG_KEY = 64;
    public static final int DEBUG_VALUE = 1024;
    public static final int DEBUG_LIST = 50;
    public static final int DEBUG_TOTAL = 8192;
    /** Code points of a refused value that {@link #refused} shows. */
    public static final int PREFIX = 16;

    private static final String CUT = "…";

    private LogText() {
    }

    /** {@code s} cut to at most {@code max} characters (ending in "…" when cut), NULs replaced; null stays null. */
    public static String bounded(String s, int max) {
        if (s == null) {
            return null;
        }
        String clean = s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : s;
        if (clean.length() <= max) {
            return clean;
        }
        int end = max - CUT.length();
        if (end > 0 && Character.isHighSurrogate(clean.charAt(end - 1))) {
            end--;
        }
        return clean.substring(0, Math.max(end, 0)) + CUT;
    }

    /**
     * A description of a value that failed validation, in place of the value: its length and its first
     * {@value #PREFIX} code points with anything outside printable ASCII, and the characters that mean something to
     * HTML or JSON (double quote, backslash, {@code < > & ' `}), escaped as a backslash, {@code u} and four hex digits
     * (so a reader that renders it raw is safe too), e.g.
     * {@code [refused: 972800 characters, starting "aaaaaaaaaaaaaaaa"]}. At most ~130 characters whatever the input.
     */
    public static String refused(String raw) {
        if (raw == null) {
            return "[refused: no value]";
        }
        StringBuilder prefix = new StringBuilder();
        raw.codePoints().limit(PREFIX).forEach(c -> {
            if (c >= 0x20 && c < 0x7f && "\"\\<>&'`".indexOf(c) < 0) {
                prefix.append((char) c);
            } else {
                prefix.append(c > 0xffff ? String.format("\\u{%x}", c) : String.format("\\u%04x", c));
            }
        });
        boolean more = raw.codePointCount(0, raw.length()) > PREFIX;
        return "[refused: " + raw.length() + " characters, " + (more ? "starting \"" : "\"") + prefix + "\"]";
    }

    /**
     * {@code raw} itself when it is plausible for its field (at most {@code max} characters, none of them a control,
     * format or unassigned character), otherwise {@link #refused}. For values an admin wants to see as sent (an
     * unknown client_id, a token_type_hint, an unregistered URI) that must not be stored when they are garbage.
     */
    public static String ifPlausible(String raw, int max) {
        return raw == null || plausible(raw, max) ? raw : refused(raw);
    }

    public static boolean plausible(String raw, int max) {
        return raw.length() <= max && raw.codePoints().noneMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        });
    }

    /** The first {@value #TARGETS} targets, each field bounded; how many were dropped goes to {@code omitted}. */
    static List<Target> targets(List<Target> targets, Map<String, Object> omitted) {
        List<Target> out = new ArrayList<>();
        for (Target t : targets) {
            if (out.size() == TARGETS) {
                omitted.put("targetsOmitted", targets.size() - TARGETS);
                break;
            }
            out.add(new Target(bounded(t.id(), TEXT), bounded(t.type(), TEXT), bounded(t.alternateId(), TEXT), bounded(t.displayName(), TEXT)));
        }
        return out;
    }

    /**
     * Debug data bounded as the class comment says; {@code size} measures the JSON of a value. Keeps the entries in
     * their order; which fit is decided {@code requestUri} first, then in order, and the ones that do not fit (entry
     * count or total size) are dropped and counted in {@code entriesOmitted}.
     */
    static Map<String, Object> debugData(Map<String, Object> data, java.util.function.ToIntFunction<Object> size) {
        Map<String, Object> bounded = new LinkedHashMap<>();
        data.forEach((k, v) -> bounded.putIfAbsent(bounded(String.valueOf(k), DEBUG_KEY), value(v, 0)));
        List<String> order = new ArrayList<>(bounded.keySet());
        if (order.remove(SystemLog.REQUEST_URI)) {
            order.addFirst(SystemLog.REQUEST_URI);
        }
        java.util.Set<String> keep = new java.util.HashSet<>();
        int total = 2;
        for (String k : order) {
            int entry = k.length() + size.applyAsInt(bounded.get(k)) + 4;
            if (keep.size() < DEBUG_ENTRIES - 1 && total + entry <= DEBUG_TOTAL - 40) {
                keep.add(k);
                total += entry;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        bounded.forEach((k, v) -> {
            if (keep.contains(k)) {
                out.put(k, v);
            }
        });
        if (keep.size() < bounded.size()) {
            out.put("entriesOmitted", bounded.size() - keep.size());
        }
        return out;
    }

    private static Object value(Object v, int depth) {
        return switch (v) {
            case null -> null;
            case String s -> bounded(s, DEBUG_VALUE);
            case Number n -> n;
            case Boolean b -> b;
            case Map<?, ?> m when depth < 2 -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (out.size() == DEBUG_ENTRIES) {
                        break;
                    }
                    out.put(bounded(String.valueOf(e.getKey()), DEBUG_KEY), value(e.getValue(), depth + 1));
                }
                yield out;
            }
            case Collection<?> c when depth < 2 -> c.stream().limit(DEBUG_LIST).map(x -> value(x, depth + 1)).toList();
            default -> bounded(String.valueOf(v), DEBUG_VALUE);
        };
    }
}
