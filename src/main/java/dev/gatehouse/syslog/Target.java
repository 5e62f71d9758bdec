package dev.gatehouse.syslog;

/** What an event acted on, as Okta's LogEvent {@code target[]} entries. */
public record Target(String id, String type, String alternateId, String displayName) {
}
