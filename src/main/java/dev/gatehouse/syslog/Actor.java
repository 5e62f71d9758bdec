package dev.gatehouse.syslog;

/** Who did something, as Okta's LogEvent {@code actor} (type {@code User}, {@code PublicClientApp}, {@code SystemPrincipal} …). */
public record Actor(String id, String type, String alternateId, String displayName) {

    public static final Actor SYSTEM = new Actor("0oa1gjh63g214q0Hq0g4", "SystemPrincipal", "system@okta.com", "Okta System");

    public static Actor user(String id, String login, String displayName) {
        return new Actor(id, "User", login, displayName);
    }

    public static Actor anonymous() {
        return new Actor("unknown", "User", "unknown", "unknown");
    }
}
