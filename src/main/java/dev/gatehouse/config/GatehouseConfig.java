package dev.gatehouse.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything Gatehouse reads at start, validated once. Built by {@link ConfigLoader} from flags,
 * environment, an optional file and defaults (in that order of precedence).
 *
 * @param baseUrl public base URL without a trailing slash; the org issuer is exactly this string
 * @param dbUrl   JDBC URL of PostgreSQL, or empty for the embedded H2 file database in {@code dataDir}
 * @param logRetentionDays days the System Log keeps events; 0 keeps them forever
 * @param orgFile          an org file (issue #22) applied after migrations and before ready
 * @param keyEncryptionKey base64 of the 32-byte key that seals signing keys at rest; empty: the one generated in
 *                         {@code dataDir/keys/key-encryption.key} (several nodes must share one: set it on each)
 * @param rateLimitMultiplier scales every rate limit (Okta's DynamicScale); 0 turns rate limiting off
 * @param rateLimits per-family limits that replace the defaults (before the multiplier), by family name
 * @param maxConnections connections Jetty keeps open at once over HTTP and HTTPS together; beyond it new ones wait
 * @param idleTimeoutSeconds a connection with nothing to read or write for this long is closed
 * @param headerTimeoutSeconds a request's line and headers must be complete this long after its first byte
 * @param webauthnRpId WebAuthn relying party id: the base URL's host or a registrable suffix of it; empty: the host
 * @param mail SMTP settings (none: the dev mailbox) and the lifetimes of the links Gatehouse emails
 */
public record GatehouseConfig(
        int port,
        String bind,
        String baseUrl,
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        int dbPoolSize,
        Optional<Integer> httpsPort,
        Optional<Path> tlsCert,
        Optional<Path> tlsKey,
        String adminEmail,
        Optional<String> adminPassword,
        Optional<String> apiToken,
        String orgName,
        LogFormat logFormat,
        int sessionIdleMinutes,
        int sessionMaxMinutes,
        int lockoutAttempts,
        boolean showLockoutFailures,
        int argon2MemoryKib,
        int argon2Iterations,
        int argon2Parallelism,
        Optional<String> keyEncryptionKey,
        java.util.Set<String> features,
        int logRetentionDays,
        double rateLimitMultiplier,
        java.util.Map<String, Integer> rateLimits,
        int maxConnections,
        int idleTimeoutSeconds,
        int headerTimeoutSeconds,
        Optional<String> webauthnRpId,
        MailSettings mail,
        Optional<java.nio.file.Path> orgFile) {

    public enum LogFormat { TEXT, JSON }

    public GatehouseConfig {
        Objects.requireNonNull(baseUrl);
        Objects.requireNonNull(dataDir);
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new ConfigException("GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY go together: set both or neither.");
        }
    }

    /** Never prints secrets (database and admin passwords, the API token, the key-encryption key). */
    @Override
    public String toString() {
        return "GatehouseConfig[port=" + port + ", bind=" + bind + ", baseUrl=" + baseUrl + ", dataDir=" + dataDir
                + ", database=" + (dbUrl.isPresent() ? "postgresql" : "h2") + ", httpsPort=" + httpsPort + ", adminEmail=" + adminEmail + "]";
    }

    /** The JDBC URL actually used: PostgreSQL when configured, otherwise H2 in PostgreSQL mode under the data dir. */
    public String jdbcUrl() {
        return dbUrl.orElseGet(() -> "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("gatehouse")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    }

    public boolean embeddedDatabase() {
        return dbUrl.isEmpty();
    }

    /** The issuer of the org authorization server: the base URL itself. */
    public String orgIssuer() {
        return baseUrl;
    }

    public URI baseUri() {
        return URI.create(baseUrl);
    }

    public String consoleUrl() {
        return baseUrl + "/admin";
    }

    /** True when browsers reach Gatehouse over TLS (decides the cookies' Secure flag and HSTS). */
    public boolean publicHttps() {
        return baseUrl.startsWith("https://");
    }
}
