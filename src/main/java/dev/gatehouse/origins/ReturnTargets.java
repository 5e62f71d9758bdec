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
    private final OriginRefusals refusals;

    public ReturnTargets(TrustedOriginCache origins, OriginRefusals refusals) {
        this.origins = origins;
        this.refusals = refusals;
    }

    /**
     * Counts a refused target for the sign-in doctor (issue #21, REDIRECT_ORIGIN_NOT_TRUSTED) when it was an http(s) address
     * whose origin is not trusted; {@code page} is where it was refused. Called where the refusal is shown, once per request.
     */
    public void refused(ReturnTarget.Refused r, String page) {
        Origin.ofUrl(r.url()).ifPresent(o -> refusals.count(dev.gatehouse.syslog.Cause.REDIRECT_ORIGIN_NOT_TRUSTED, o.toString(), page));
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
