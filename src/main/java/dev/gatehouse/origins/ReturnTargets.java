package dev.gatehouse.origins;

import java.util.Optional;

/**
 * The redirect policy for return targets that do not come from an app's registered URIs (the sign-in page's
 * {@code fromURI}, the sign-out page's): a path on Gatehouse stays allowed; an absolute {@code http(s)} URL may
 * leave Gatehouse only when its origin is exactly an ACTIVE trusted origin with the REDIRECT scope. Anything else
 * is refused with a reason, so no hosted page is an open redirector (RFC 9700 §4.11). Reads only the cache.
 */
public final class ReturnTargets {

    /** The model of {@code origins/redirect-refused.jte}: the hosted page shown instead of following a refused target. */
    public record RefusedPage(String orgName, String heading, String target, String reason) {
    }

    private final TrustedOriginCache origins;

    public ReturnTargets(TrustedOriginCache origins) {
        this.origins = origins;
    }

    /** The decision for a return target; none given (null or blank) means Gatehouse's start page. */
    public ReturnTarget check(String target) {
        if (target == null || target.isBlank()) {
            return new ReturnTarget.Gatehouse("/");
        }
        if (isGatehousePath(target)) {
            return new ReturnTarget.Gatehouse(target);
        }
        Optional<Origin> origin = Origin.ofUrl(target);
        if (origin.isEmpty()) {
            return new ReturnTarget.Refused(target, "It is not a web address Gatehouse can return to (only http and https addresses are).");
        }
        if (origins.allowsRedirect(origin.get())) {
            return new ReturnTarget.Trusted(target);
        }
        return new ReturnTarget.Refused(target, "Its origin, " + origin.get() + ", is not a trusted origin for redirects. "
                + "An administrator can add it under Security › API › Trusted Origins with the Redirect type.");
    }

    /** A path on this server: starts with one {@code /}, no {@code //} or backslash tricks, no control characters. */
    static boolean isGatehousePath(String target) {
        return target.startsWith("/") && !target.startsWith("//") && target.chars().noneMatch(c -> c < 0x20 || c == '\\' || c == 0x7f);
    }
}
