package dev.gatehouse.oauth.claims;

import dev.gatehouse.apps.App;
import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.User;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Evaluates an authorization server's custom claims for one token (research notes §5.5): RESOURCE claims go in the
 * access token, IDENTITY claims in the ID token (only those with {@code alwaysIncludeInToken} when the ID token comes
 * with an access token, Okta's "thin" ID token; every Gatehouse grant issues one) and in /userinfo (all of them). A
 * claim is issued when its {@code conditions.scopes} is empty or names a granted scope.
 *
 * <p>The claims come compiled from a {@code ChangeCache} snapshot ({@code rules}): no query per token for them. The
 * user's groups are read only when a claim needs them, once per token. A claim whose value is null is left out, and
 * so is one whose evaluation fails (Gatehouse's choice for Okta's {@code user_claim_evaluation_failure}: the token is
 * still issued, without that claim; a resource server that checks a claim then denies, it never sees a wrong value).
 * A claim never replaces a claim the token already has (the caller passes what is there).
 */
public final class CustomClaims {

    /** No custom claims (tests and tools that build a signer alone). */
    public static final CustomClaims NONE = new CustomClaims(server -> List.of(), user -> List.of(), client -> Optional.empty(),
            new ClaimSubject.Org(null, null));

    private final Function<String, List<ClaimRule>> rules;
    private final Function<String, List<Group>> groupsOf;
    private final Function<String, Optional<App>> apps;
    private final ClaimSubject.Org org;

    /**
     * @param rules    a server id's ACTIVE claims, compiled (from a cache)
     * @param groupsOf a user id's groups (one query; called only when a claim needs them)
     * @param apps     an app by client id (from a cache)
     */
    public CustomClaims(Function<String, List<ClaimRule>> rules, Function<String, List<Group>> groupsOf,
                        Function<String, Optional<App>> apps, ClaimSubject.Org org) {
        this.rules = rules;
        this.groupsOf = groupsOf;
        this.apps = apps;
        this.org = org;
    }

    /** The subject of a token for {@code user} (null for client credentials) and {@code clientId}. */
    public ClaimSubject subject(User user, String clientId, List<String> scopes, List<String> amr) {
        Optional<App> app = clientId == null ? Optional.empty() : apps.apply(clientId);
        return new ClaimSubject(user, app.map(App::id).orElse(clientId), clientId, app.map(App::label).orElse(null), scopes, amr,
                () -> user == null ? List.of() : groupsOf.apply(user.id()), org);
    }

    /**
     * Whether an ACTIVE IDENTITY claim named {@code name} applies to these scopes. Such a claim named {@code groups} takes
     * the place of the built-in {@code groups} scope claim in the ID token and /userinfo (at Okta a custom server's
     * groups come only from its claims): the admin's filter must not be bypassed by a client asking for the scope.
     */
    public boolean replacesIdentityClaim(String serverId, String name, List<String> scopes) {
        return rules.apply(serverId).stream().anyMatch(r -> !r.accessToken() && r.name().equals(name) && r.appliesTo(scopes));
    }

    /** Whether the server has no ACTIVE custom claim: the token path then skips the custom-claims work altogether. */
    public boolean none(String serverId) {
        return rules.apply(serverId).isEmpty();
    }

    /** The RESOURCE claims for an access token. */
    public Map<String, Object> accessToken(String serverId, ClaimSubject s, java.util.Set<String> present) {
        return evaluate(serverId, s, present, true, false);
    }

    /** The IDENTITY claims for an ID token; {@code thin} when it is issued with an access token. */
    public Map<String, Object> idToken(String serverId, ClaimSubject s, java.util.Set<String> present, boolean thin) {
        return evaluate(serverId, s, present, false, thin);
    }

    /** The IDENTITY claims for /userinfo ("always contains a full set of claims for the requested scopes"). */
    public Map<String, Object> userInfo(String serverId, ClaimSubject s, java.util.Set<String> present) {
        return evaluate(serverId, s, present, false, false);
    }

    private Map<String, Object> evaluate(String serverId, ClaimSubject s, java.util.Set<String> present, boolean accessToken, boolean thin) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ClaimRule r : rules.apply(serverId)) {
            if (r.accessToken() != accessToken || (thin && !r.alwaysIncludeInToken()) || !r.appliesTo(s.scopes())
                    || present.contains(r.name()) || out.containsKey(r.name())) {
                continue;
            }
            try {
                Object v = r.value(s);
                if (v != null) {
                    out.put(r.name(), v);
                }
            } catch (RuntimeException e) {
                // Left out (see the class comment).
            }
        }
        return out;
    }
}
