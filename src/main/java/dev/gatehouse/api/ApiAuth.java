package dev.gatehouse.api;

import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The filter in front of every matched {@code /api/v1} endpoint, and the one place the surface is authorised: content
 * negotiation (only JSON, as Okta), then {@code Authorization: SSWS <token>} unless the endpoint is one of the few that
 * authenticate otherwise (the session cookie for {@code /api/v1/sessions/me}), then the caller must be a super admin
 * (403 E0000006 otherwise): the management API has no finer roles yet, so no handler checks the caller itself. An API
 * token sent with an {@code Origin} header (from a browser) is refused with 403 E0000006.
 */
public final class ApiAuth {

    /** Finds the caller an SSWS token value names (its owner, and whether they are a super admin now). */
    public interface Authenticator {
        Optional<ApiCaller> authenticate(String token);
    }

    private final Authenticator tokens;
    private final Set<String> cookieEndpoints;

    /** @param cookieEndpoints paths (exact) that authenticate with the session cookie and skip the token and role checks */
    public ApiAuth(Authenticator tokens, Set<String> cookieEndpoints) {
        this.tokens = tokens;
        this.cookieEndpoints = cookieEndpoints;
    }

    public void handle(Context ctx) {
        checkContentTypes(ctx);
        String path = ctx.path().endsWith("/") ? ctx.path().substring(0, ctx.path().length() - 1) : ctx.path();
        if (cookieEndpoints.contains(path) || open(path)) {
            return;
        }
        ApiCaller caller = caller(ctx);
        ctx.attribute(ApiRequests.CALLER, caller);
    }

    /**
     * The super admin an {@code Authorization: SSWS} header names: 401 E0000011 without one or for an unknown token, 403
     * E0000006 from a browser or for someone else. Also for the one open endpoint that takes a token when given (the
     * Authentication API's trusted-app recovery), so the token's rules live here only.
     */
    public ApiCaller caller(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "SSWS ", 0, 5)) {
            throw ApiError.of(ErrorCode.E0000011);
        }
        if (ctx.header("Origin") != null) {
            // As Okta: API tokens are for servers; a browser (it sends Origin) must never hold one. No CORS headers
            // either (this is not a CORS-enabled endpoint), so a page's script cannot read even this refusal.
            throw new ApiError(ErrorCode.E0000006, ErrorCode.E0000006.summary(null), java.util.List.of(new ApiError.Cause(null,
                    "API tokens cannot be used from a browser (the request has an Origin header). Call the API from a server.")));
        }
        ApiCaller caller = tokens.authenticate(header.substring(5)).orElseThrow(() -> ApiError.of(ErrorCode.E0000011));
        if (!caller.superAdmin()) {
            throw ApiError.of(ErrorCode.E0000006);
        }
        return caller;
    }

    /** A TOTP enrollment's one-time QR code (its token is the authorization; okta-auth-js shows it as an image). */
    private static final java.util.regex.Pattern QR = java.util.regex.Pattern.compile("/api/v1/users/[^/]+/factors/[^/]+/qr/[^/]+");

    /**
     * Endpoints without an API token: Okta's Authentication API ({@code /api/v1/authn}, issue #20: the person's credentials
     * or the stateToken authenticate the call, from a browser too) and a TOTP enrollment's one-time QR code.
     */
    static boolean open(String path) {
        return path.equals("/api/v1/authn") || path.startsWith("/api/v1/authn/") || QR.matcher(path).matches();
    }

    static void checkContentTypes(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept != null && !accept.isBlank()) {
            String a = accept.toLowerCase(Locale.ROOT);
            if (!a.contains("json") && !a.contains("*/*") && !a.contains("application/*")) {
                throw ApiError.of(ErrorCode.E0000021);
            }
        }
        HandlerType m = ctx.method();
        if ((m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.PATCH) && hasBody(ctx)) {
            String type = ctx.contentType();
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                throw ApiError.of(ErrorCode.E0000021);
            }
        }
    }

    private static boolean hasBody(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        return length > 0 || (length < 0 && ctx.header("Transfer-Encoding") != null);
    }
}
