package dev.gatehouse.origins;

/**
 * Where a hosted page may send the browser after signing in or out, as decided by {@link ReturnTargets}:
 * a path on Gatehouse, a URL inside a trusted REDIRECT origin, or nowhere (the page then says why).
 */
public sealed interface ReturnTarget {

    /** A path on Gatehouse itself, e.g. {@code /oauth2/default/v1/authorize?…}. */
    record Gatehouse(String path) implements ReturnTarget {
    }

    /** An absolute URL whose origin is an ACTIVE trusted origin with the REDIRECT scope. */
    record Trusted(String url) implements ReturnTarget {
    }

    /** A target Gatehouse will not follow; {@code reason} is for the person, in a sentence. */
    record Refused(String url, String reason) implements ReturnTarget {
    }
}
