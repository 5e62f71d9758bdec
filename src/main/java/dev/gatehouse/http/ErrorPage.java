package dev.gatehouse.http;

/**
 * The model of {@code error.jte}: a readable page for people, with the request id for support; {@code detail} (or null) a
 * second paragraph, e.g. what a developer can do about it (issue #21).
 */
public record ErrorPage(int status, String title, String message, String requestId, String detail) {
    public ErrorPage(int status, String title, String message, String requestId) {
        this(status, title, message, requestId, null);
    }
}
