package dev.gatehouse.oauth.servers;

/**
 * What the access-policy rule matched at sign-in decided about lifetimes, kept on the authorization code and the
 * refresh-token family so that the code exchange and every refresh use it, whatever the rule says later. Minutes, as
 * Okta's API and the rows count them; refresh 0 = unlimited.
 */
public record RuleLifetimes(String ruleId, int accessTokenMinutes, int refreshTokenMinutes, int refreshWindowMinutes) {

    public static RuleLifetimes of(AccessRule r) {
        return new RuleLifetimes(r.id(), r.accessTokenMinutes(), r.refreshTokenMinutes(), r.refreshWindowMinutes());
    }

    /** As {@link TokenLifetimes}, the ID token keeping the server's (60 minutes, not configurable at Okta). */
    public TokenLifetimes on(AuthorizationServer server) {
        return TokenLifetimes.ofMinutes(accessTokenMinutes, server.lifetimes().idToken().toMinutes(), refreshWindowMinutes, refreshTokenMinutes);
    }

    /** The lifetimes to use: the rule's when one was stored, else (codes and families from before V30) the server's. */
    public static TokenLifetimes effective(RuleLifetimes stored, AuthorizationServer server) {
        return stored == null ? server.lifetimes() : stored.on(server);
    }
}
