package dev.gatehouse.http;

/** The model of {@code error.jte}: a readable page for people, with the request id for support. */
public record ErrorPage(int status, String title, String message, String requestId) {
}
