package dev.gatehouse.oauth.authorize;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a redirect URI that is not registered differs from the closest one that is (issue #21): the parts that differ, in
 * the words an admin fixes them in (scheme, host, port, path, trailing slash, case, query, fragment). Matching itself
 * stays exact ({@code App.hasRedirectUri}); this only explains a refusal. The closest URI is the one with the fewest
 * differing parts, then the smallest edit distance, then the first registered.
 */
public final class UriDifference {

    /** The closest registered URI and what differs from it, e.g. {@code ["trailing slash"]}. */
    public record Closest(String registered, List<String> parts) {
        /** The difference as one sentence fragment: "the trailing slash", "the scheme and the port". */
        public String describe() {
            if (parts.isEmpty()) {
                return "nothing visible (the URIs differ only in encoding)";
            }
            List<String> the = parts.stream().map(p -> "the " + p).toList();
            return the.size() == 1 ? the.getFirst() : String.join(", ", the.subList(0, the.size() - 1)) + " and " + the.getLast();
        }
    }

    private UriDifference() {
    }

    /** The registered URI closest to {@code sent}; empty when nothing is registered. */
    public static Optional<Closest> closest(String sent, List<String> registered) {
        if (sent == null || registered.isEmpty()) {
            return Optional.empty();
        }
        return registered.stream().map(r -> new Closest(r, parts(sent, r)))
                .min(Comparator.<Closest>comparingInt(c -> c.parts().size()).thenComparingInt(c -> distance(sent, c.registered())));
    }

    /** The parts of {@code sent} that differ from {@code registered}. */
    static List<String> parts(String sent, String registered) {
        List<String> out = new ArrayList<>();
        URI a = parse(sent);
        URI b = parse(registered);
        if (a == null || b == null) {
            if (sent.equalsIgnoreCase(registered)) {
                out.add("case");
            } else {
                out.add("whole URI");
            }
            return out;
        }
        String schemeA = Objects.toString(a.getScheme(), "");
        String schemeB = Objects.toString(b.getScheme(), "");
        if (!schemeA.equals(schemeB)) {
            out.add(schemeA.equalsIgnoreCase(schemeB) ? "scheme's case" : "scheme");
        }
        String hostA = Objects.toString(a.getHost(), Objects.toString(a.getRawAuthority(), ""));
        String hostB = Objects.toString(b.getHost(), Objects.toString(b.getRawAuthority(), ""));
        if (!hostA.equals(hostB)) {
            out.add(hostA.equalsIgnoreCase(hostB) ? "host's case" : "host");
        }
        if (port(a) != port(b)) {
            out.add("port");
        }
        String pathA = Objects.toString(a.getRawPath(), "");
        String pathB = Objects.toString(b.getRawPath(), "");
        if (!pathA.equals(pathB)) {
            if (strip(pathA).equals(strip(pathB))) {
                out.add("trailing slash");
            } else if (pathA.equalsIgnoreCase(pathB)) {
                out.add("path's case");
            } else {
                out.add("path");
            }
        }
        if (!Objects.equals(a.getRawQuery(), b.getRawQuery())) {
            out.add("query");
        }
        if (!Objects.equals(a.getRawFragment(), b.getRawFragment())) {
            out.add("fragment");
        }
        return out;
    }

    private static String strip(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return switch (Objects.toString(u.getScheme(), "").toLowerCase(Locale.ROOT)) {
            case "https" -> 443;
            case "http" -> 80;
            default -> -1;
        };
    }

    private static URI parse(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Levenshtein distance over at most the first 512 characters of each (a bounded tie-breaker). */
    static int distance(String x, String y) {
        String a = x.length() > 512 ? x.substring(0, 512) : x;
        String b = y.length() > 512 ? y.substring(0, 512) : y;
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
