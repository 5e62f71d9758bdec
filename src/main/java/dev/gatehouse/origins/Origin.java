package dev.gatehouse.origins;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A web origin ({@code scheme://host[:port]}, RFC 6454) in its normalised form: scheme and host lower-cased,
 * the scheme's default port dropped. Two origins are the same exactly when their normalised strings are equal;
 * there are no wildcards.
 */
public record Origin(String scheme, String host, int port) {

    /** Okta's trusted-origin schemes (HTTP, HTTPS, FTP, Ionic 2, Capacitor) and their default ports (-1: none). */
    private static final Map<String, Integer> SCHEMES = Map.of("http", 80, "https", 443, "ftp", 21, "ionic", -1, "capacitor", -1);

    /**
     * An admin's origin value: {@code scheme://host[:port]} and nothing else (no user info, path, query or
     * fragment; a lone trailing {@code /} is tolerated and dropped, since it is a common paste and would otherwise
     * never match a browser's {@code Origin} header). Empty when the value is not such an origin.
     */
    public static Optional<Origin> parse(String value) {
        if (value == null || value.isBlank() || !value.equals(value.strip()) || value.contains("*")) {
            return Optional.empty();
        }
        Optional<URI> uri = uri(value);
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        URI u = uri.get();
        String path = u.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || u.getRawQuery() != null || u.getRawFragment() != null
                || value.endsWith("#") || value.endsWith("?")) {
            return Optional.empty();
        }
        return of(u);
    }

    /** The origin of an absolute {@code http}/{@code https} URL (a redirect target), if it is one. */
    public static Optional<Origin> ofUrl(String url) {
        if (url == null || url.chars().anyMatch(c -> c <= 0x20 || c == '\\' || c == 0x7f)) {
            return Optional.empty();
        }
        return uri(url).filter(u -> "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                .flatMap(Origin::of);
    }

    private static Optional<URI> uri(String value) {
        try {
            URI u = new URI(value);
            return u.isAbsolute() && !u.isOpaque() ? Optional.of(u) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static Optional<Origin> of(URI u) {
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        Integer defaultPort = SCHEMES.get(scheme);
        String host = u.getHost();
        if (defaultPort == null || host == null || host.isEmpty() || u.getRawUserInfo() != null
                || u.getRawAuthority() == null || u.getRawAuthority().contains("@")) {
            return Optional.empty();
        }
        int port = u.getPort();
        if (port == 0 || port > 65_535) {
            return Optional.empty();
        }
        return Optional.of(new Origin(scheme, host.toLowerCase(Locale.ROOT), port == defaultPort ? -1 : port));
    }

    /** The serialised origin, e.g. {@code https://app.example.com} or {@code http://localhost:8080}. */
    @Override
    public String toString() {
        return scheme + "://" + host + (port == -1 ? "" : ":" + port);
    }
}
