package dev.gatehouse.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads {@link GatehouseConfig} from, highest precedence first: command-line flags
 * ({@code --base-url=https://id.example.com} or {@code --base-url https://...}), environment
 * variables ({@code GATEHOUSE_BASE_URL}), an optional properties file named by {@code --config} or
 * {@code GATEHOUSE_CONFIG} (keys are the environment names), and the defaults in {@link #SETTINGS}.
 */
public final class ConfigLoader {

    /** One configurable value: its environment name, default and one-line help. The flag name is derived. */
    public record Setting(String env, String defaultValue, String help) {
        public String flag() {
            return "--" + env.substring("GATEHOUSE_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final List<Setting> SETTINGS = List.of(
            new Setting("GATEHOUSE_PORT", "9000", "HTTP port"),
            new Setting("GATEHOUSE_BIND", "127.0.0.1", "address to listen on (0.0.0.0 for every interface)"),
            new Setting("GATEHOUSE_BASE_URL", null, "public base URL, used in issuers and links (default http://localhost:<port>)"),
            new Setting("GATEHOUSE_DATA_DIR", "./data", "data directory: H2 database, generated certificate and keys"),
            new Setting("GATEHOUSE_DB_URL", null, "JDBC URL of PostgreSQL (jdbc:postgresql://host/db); embedded H2 when unset"),
            new Setting("GATEHOUSE_DB_USER", null, "database user"),
            new Setting("GATEHOUSE_DB_PASSWORD", null, "database password"),
            new Setting("GATEHOUSE_DB_POOL_SIZE", "10", "database connections per node"),
            new Setting("GATEHOUSE_HTTPS_PORT", null, "HTTPS port (off when unset)"),
            new Setting("GATEHOUSE_TLS_CERT", null, "PEM certificate chain for HTTPS (self-signed one generated when unset)"),
            new Setting("GATEHOUSE_TLS_KEY", null, "PEM private key for HTTPS"),
            new Setting("GATEHOUSE_ADMIN_EMAIL", "admin@gatehouse.localhost", "login of the first super admin, created on an empty store"),
            new Setting("GATEHOUSE_ADMIN_PASSWORD", null, "password of the first super admin (generated and printed once when unset)"),
            new Setting("GATEHOUSE_API_TOKEN", null, "on an empty store, also create this SSWS API token for the first admin"),
            new Setting("GATEHOUSE_ORG_NAME", "Gatehouse", "organization name shown on sign-in pages"),
            new Setting("GATEHOUSE_LOG_FORMAT", "text", "text or json"),
            new Setting("GATEHOUSE_SESSION_IDLE_MINUTES", "120", "a sign-in session ends after this long without use"),
            new Setting("GATEHOUSE_SESSION_MAX_MINUTES", "1440", "a sign-in session ends this long after sign-in at the latest (0 = no limit)"),
            new Setting("GATEHOUSE_LOCKOUT_ATTEMPTS", "10", "consecutive failed sign-ins that lock an account"),
            new Setting("GATEHOUSE_SHOW_LOCKOUT_FAILURES", "false",
                    "true: the Authentication API answers LOCKED_OUT for a locked account (Okta's showLockoutFailures; tells that the username exists)"),
            new Setting("GATEHOUSE_ARGON2_MEMORY_KIB", "19456", "Argon2id memory cost of password hashes, in KiB"),
            new Setting("GATEHOUSE_ARGON2_ITERATIONS", "2", "Argon2id iterations"),
            new Setting("GATEHOUSE_ARGON2_PARALLELISM", "1", "Argon2id lanes"),
            new Setting("GATEHOUSE_KEY_ENCRYPTION_KEY", null, "base64 of 32 random bytes that encrypts signing keys at rest; every node "
                    + "of a cluster needs the same one (when unset, one is generated once in <data dir>/keys/key-encryption.key)"),
            new Setting("GATEHOUSE_FEATURES", null, "self-service features to enable on first start, comma-separated (e.g. refresh-token-rotation-for-spa)"),
            new Setting("GATEHOUSE_LOG_RETENTION_DAYS", "90", "days the System Log keeps events, as Okta (0 = keep forever)"),
            new Setting("GATEHOUSE_RATE_LIMIT_MULTIPLIER", "1", "scales every rate limit, like Okta's DynamicScale: 5 = five times the limits, "
                    + "0 = no rate limits at all (benchmarks)"),
            new Setting("GATEHOUSE_RATE_LIMITS", null, "per-family limits replacing the defaults before the multiplier, "
                    + "e.g. token=600,authorize=1200 (families and defaults: README, Rate limits)"),
            new Setting("GATEHOUSE_MAX_CONNECTIONS", "1000", "connections open at once over HTTP and HTTPS together; "
                    + "further ones wait until one closes"),
            new Setting("GATEHOUSE_IDLE_TIMEOUT_SECONDS", "30", "a connection with nothing to read or write for this long is closed"),
            new Setting("GATEHOUSE_HEADER_TIMEOUT_SECONDS", "20", "a request's line and headers must arrive within this long "
                    + "of its first byte, else the connection is closed (slow-header attacks)"),
            new Setting("GATEHOUSE_WEBAUTHN_RP_ID", null, "WebAuthn relying party id: the base URL's host (default) or a domain it is "
                    + "under, e.g. example.com for https://login.example.com"),
            new Setting("GATEHOUSE_SMTP_HOST", null, "SMTP server for the emails Gatehouse sends; unset: they stay in the dev mailbox "
                    + "(Admin Console, Settings > Emails) and the log prints their links"),
            new Setting("GATEHOUSE_SMTP_PORT", "587", "SMTP port"),
            new Setting("GATEHOUSE_SMTP_USER", null, "SMTP user, if the server asks for authentication"),
            new Setting("GATEHOUSE_SMTP_PASSWORD", null, "SMTP password"),
            new Setting("GATEHOUSE_SMTP_TLS", "starttls", "starttls (required upgrade), tls (implicit, e.g. port 465) or none"),
            new Setting("GATEHOUSE_SMTP_FROM", null, "From address of the emails (default: Gatehouse <noreply@host of the base URL>)"),
            new Setting("GATEHOUSE_ACTIVATION_LINK_DAYS", "7", "days an activation link stays valid (Okta's default: 7)"),
            new Setting("GATEHOUSE_RECOVERY_LINK_MINUTES", "60", "minutes a password reset link stays valid (Okta's default: 60)"),
            new Setting("GATEHOUSE_ORG_FILE", null, "an org file (YAML or JSON) applied after migrations and before ready; the start stops "
                    + "with every problem if it cannot be applied"));

    private ConfigLoader() {
    }

    public static GatehouseConfig load(List<String> args, Map<String, String> env) {
        Map<String, String> flags = parseFlags(args);
        Map<String, String> values = new LinkedHashMap<>();
        Optional<String> file = Optional.ofNullable(flags.get("GATEHOUSE_CONFIG")).or(() -> Optional.ofNullable(env.get("GATEHOUSE_CONFIG")));
        Map<String, String> fromFile = file.map(ConfigLoader::readFile).orElse(Map.of());
        for (Setting s : SETTINGS) {
            String v = firstNonBlank(flags.get(s.env()), env.get(s.env()), fromFile.get(s.env()), s.defaultValue());
            if (v != null) {
                values.put(s.env(), v.trim());
            }
        }
        return build(values);
    }

    private static GatehouseConfig build(Map<String, String> v) {
        int port = port(v, "GATEHOUSE_PORT");
        String bind = v.get("GATEHOUSE_BIND");
        String baseUrl = baseUrl(v.getOrDefault("GATEHOUSE_BASE_URL", "http://localhost:" + port));
        Optional<String> dbUrl = Optional.ofNullable(v.get("GATEHOUSE_DB_URL"));
        dbUrl.ifPresent(u -> {
            if (!u.startsWith("jdbc:postgresql:") && !u.startsWith("jdbc:h2:")) {
                throw new ConfigException("GATEHOUSE_DB_URL must be a JDBC URL such as jdbc:postgresql://localhost:5432/gatehouse (got '" + u + "').");
            }
        });
        int pool = integer(v, "GATEHOUSE_DB_POOL_SIZE", 1, 200);
        Optional<Integer> httpsPort = v.containsKey("GATEHOUSE_HTTPS_PORT") ? Optional.of(port(v, "GATEHOUSE_HTTPS_PORT")) : Optional.empty();
        if (httpsPort.isPresent() && httpsPort.get() != 0 && httpsPort.get() == port) {
            throw new ConfigException("GATEHOUSE_HTTPS_PORT must differ from GATEHOUSE_PORT (both are " + port + ").");
        }
        Optional<Path> cert = Optional.ofNullable(v.get("GATEHOUSE_TLS_CERT")).map(Path::of);
        Optional<Path> key = Optional.ofNullable(v.get("GATEHOUSE_TLS_KEY")).map(Path::of);
        String adminEmail = v.get("GATEHOUSE_ADMIN_EMAIL");
        if (!adminEmail.matches("[^@\\s]+@[^@\\s]+")) {
            throw new ConfigException("GATEHOUSE_ADMIN_EMAIL must be an e-mail address (got '" + adminEmail + "').");
        }
        Optional<String> adminPassword = Optional.ofNullable(v.get("GATEHOUSE_ADMIN_PASSWORD"));
        adminPassword.ifPresent(p -> {
            if (p.length() < 8) {
                throw new ConfigException("GATEHOUSE_ADMIN_PASSWORD must have at least 8 characters.");
            }
        });
        Optional<String> apiToken = Optional.ofNullable(v.get("GATEHOUSE_API_TOKEN"));
        apiToken.ifPresent(t -> {
            if (t.length() < 20 || !t.matches("[A-Za-z0-9_\\-]+")) {
                throw new ConfigException("GATEHOUSE_API_TOKEN must be at least 20 characters of A-Z, a-z, 0-9, '-' or '_'.");
            }
        });
        GatehouseConfig.LogFormat logFormat = switch (v.get("GATEHOUSE_LOG_FORMAT").toLowerCase(Locale.ROOT)) {
            case "text" -> GatehouseConfig.LogFormat.TEXT;
            case "json" -> GatehouseConfig.LogFormat.JSON;
            default -> throw new ConfigException("GATEHOUSE_LOG_FORMAT must be 'text' or 'json' (got '" + v.get("GATEHOUSE_LOG_FORMAT") + "').");
        };
        return new GatehouseConfig(port, bind, baseUrl, Path.of(v.get("GATEHOUSE_DATA_DIR")).toAbsolutePath().normalize(), dbUrl,
                Optional.ofNullable(v.get("GATEHOUSE_DB_USER")), Optional.ofNullable(v.get("GATEHOUSE_DB_PASSWORD")), pool,
                httpsPort, cert, key, adminEmail, adminPassword, apiToken, v.get("GATEHOUSE_ORG_NAME"), logFormat,
                integer(v, "GATEHOUSE_SESSION_IDLE_MINUTES", 1, 60 * 24 * 30), integer(v, "GATEHOUSE_SESSION_MAX_MINUTES", 0, 60 * 24 * 90),
                integer(v, "GATEHOUSE_LOCKOUT_ATTEMPTS", 1, 100), bool(v, "GATEHOUSE_SHOW_LOCKOUT_FAILURES"),
                integer(v, "GATEHOUSE_ARGON2_MEMORY_KIB", 1024, 4 * 1024 * 1024),
                integer(v, "GATEHOUSE_ARGON2_ITERATIONS", 1, 20), integer(v, "GATEHOUSE_ARGON2_PARALLELISM", 1, 16),
                keyEncryptionKey(v.get("GATEHOUSE_KEY_ENCRYPTION_KEY")), features(v.get("GATEHOUSE_FEATURES")),
                integer(v, "GATEHOUSE_LOG_RETENTION_DAYS", 0, 36500),
                rateLimitMultiplier(v.get("GATEHOUSE_RATE_LIMIT_MULTIPLIER")), rateLimits(v.get("GATEHOUSE_RATE_LIMITS")),
                integer(v, "GATEHOUSE_MAX_CONNECTIONS", 1, 100_000), integer(v, "GATEHOUSE_IDLE_TIMEOUT_SECONDS", 1, 3600),
                integer(v, "GATEHOUSE_HEADER_TIMEOUT_SECONDS", 1, 600), webauthnRpId(v.get("GATEHOUSE_WEBAUTHN_RP_ID"), baseUrl),
                mail(v, baseUrl), Optional.ofNullable(v.get("GATEHOUSE_ORG_FILE")).map(f -> Path.of(f).toAbsolutePath().normalize()));
    }

    private static boolean bool(Map<String, String> v, String name) {
        return switch (v.get(name).toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(name + " must be 'true' or 'false' (got '" + v.get(name) + "').");
        };
    }

    private static MailSettings mail(Map<String, String> v, String baseUrl) {
        MailSettings.Tls tls = switch (v.get("GATEHOUSE_SMTP_TLS").toLowerCase(Locale.ROOT)) {
            case "starttls" -> MailSettings.Tls.STARTTLS;
            case "tls" -> MailSettings.Tls.TLS;
            case "none" -> MailSettings.Tls.NONE;
            default -> throw new ConfigException("GATEHOUSE_SMTP_TLS must be 'starttls', 'tls' or 'none' (got '" + v.get("GATEHOUSE_SMTP_TLS") + "').");
        };
        String from = v.get("GATEHOUSE_SMTP_FROM");
        if (from == null) {
            from = "Gatehouse <noreply@" + java.net.URI.create(baseUrl).getHost() + ">";
        }
        return new MailSettings(Optional.ofNullable(v.get("GATEHOUSE_SMTP_HOST")), integer(v, "GATEHOUSE_SMTP_PORT", 1, 65535),
                Optional.ofNullable(v.get("GATEHOUSE_SMTP_USER")), Optional.ofNullable(v.get("GATEHOUSE_SMTP_PASSWORD")), tls, from,
                integer(v, "GATEHOUSE_ACTIVATION_LINK_DAYS", 1, 365), integer(v, "GATEHOUSE_RECOVERY_LINK_MINUTES", 5, 60 * 24 * 7));
    }

    /**
     * The WebAuthn relying party id, when set: a browser accepts only the page's host or a registrable suffix of it
     * (login.example.com may use example.com), so anything else is refused at start rather than by every browser.
     */
    private static Optional<String> webauthnRpId(String raw, String baseUrl) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String rpId = raw.strip().toLowerCase(Locale.ROOT);
        String host = java.net.URI.create(baseUrl).getHost().toLowerCase(Locale.ROOT);
        if (!rpId.matches("[a-z0-9.-]+") || rpId.startsWith(".") || rpId.endsWith(".") || !(host.equals(rpId) || host.endsWith("." + rpId))) {
            throw new ConfigException("GATEHOUSE_WEBAUTHN_RP_ID must be the base URL's host (" + host + ") or a domain it is under "
                    + "(got '" + raw.strip() + "').");
        }
        return Optional.of(rpId);
    }

    /** A non-negative number (decimals allowed: 0.5 halves the limits); 0 turns rate limiting off. */
    private static double rateLimitMultiplier(String raw) {
        try {
            double m = Double.parseDouble(raw);
            if (m >= 0 && m <= 1000 && !Double.isNaN(m)) {
                return m;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("GATEHOUSE_RATE_LIMIT_MULTIPLIER must be a number from 0 (no limits) to 1000 (got '" + raw + "').");
    }

    /**
     * {@code family=limit} pairs, comma-separated. Only the shape is checked here; the family names are checked against
     * the catalog (http.RateLimitFamily) when the server is wired, so this package stays free of HTTP.
     */
    private static java.util.Map<String, Integer> rateLimits(String raw) {
        if (raw == null || raw.isBlank()) {
            return java.util.Map.of();
        }
        java.util.Map<String, Integer> out = new LinkedHashMap<>();
        for (String pair : raw.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                int limit = Integer.parseInt(kv.length == 2 ? kv[1].trim() : "");
                if (limit < 0 || kv[0].isBlank()) {
                    throw new NumberFormatException();
                }
                out.put(kv[0].trim().toLowerCase(Locale.ROOT), limit);
            } catch (NumberFormatException e) {
                throw new ConfigException("GATEHOUSE_RATE_LIMITS must be family=limit pairs such as token=600,authorize=1200 "
                        + "with whole numbers of 0 or more (got '" + pair.trim() + "').");
            }
        }
        return java.util.Map.copyOf(out);
    }

    /** Base64 of exactly 32 bytes (AES-256), checked here so a bad value stops the start with one clear line. */
    /** Feature names as {@code features.Feature#configName()} spells them; checked against the catalog in Wiring. */
    private static java.util.Set<String> features(String raw) {
        if (raw == null || raw.isBlank()) {
            return java.util.Set.of();
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String name : raw.split(",")) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return java.util.Set.copyOf(out);
    }

    private static Optional<String> keyEncryptionKey(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            if (java.util.Base64.getDecoder().decode(raw).length == 32) {
                return Optional.of(raw);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException("GATEHOUSE_KEY_ENCRYPTION_KEY must be the base64 encoding of 32 random bytes, "
                + "e.g. the output of 'openssl rand -base64 32'.");
    }

    static Map<String, String> parseFlags(List<String> args) {
        Map<String, String> byFlag = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            byFlag.put(s.flag(), s.env());
        }
        byFlag.put("--config", "GATEHOUSE_CONFIG");
        byFlag.put("--org", "GATEHOUSE_ORG_FILE");   // serve --org FILE (issue #22), the short form of --org-file
        Map<String, String> out = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(args);
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String env = byFlag.get(name);
            if (env == null) {
                throw new ConfigException("Unknown option '" + name + "'. Run './gatehouse serve --help' for the list.");
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < rest.size()) {
                value = rest.get(++i);
            } else {
                throw new ConfigException("Option " + name + " needs a value.");
            }
            out.put(env, value);
        }
        return out;
    }

    private static Map<String, String> readFile(String file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file))) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the configuration file " + file + " (" + e.getMessage() + ").");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (SETTINGS.stream().noneMatch(s -> s.env().equals(k))) {
                throw new ConfigException("Unknown key '" + k + "' in " + file + ".");
            }
            out.put(k, p.getProperty(k));
        }
        return out;
    }

    private static int port(Map<String, String> v, String name) {
        return integer(v, name, 0, 65535);
    }

    private static int integer(Map<String, String> v, String name, int min, int max) {
        String raw = v.get(name);
        try {
            int n = Integer.parseInt(raw);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number from " + min + " to " + max + " (got '" + raw + "').");
        }
    }

    private static String baseUrl(String raw) {
        String url = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        try {
            URI u = new URI(url);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getQuery() != null || u.getFragment() != null) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException("GATEHOUSE_BASE_URL must be an absolute http:// or https:// URL without query or fragment, e.g. https://id.example.com (got '" + raw + "').");
        }
        return url;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
