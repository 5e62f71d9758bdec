package dev.gatehouse.oauth.claims;

import java.util.List;

/**
 * An ACTIVE custom claim as the token path uses it, compiled once when the server's claims snapshot loads: its
 * expression parsed ({@link ClaimExpression}) or its group filter built ({@link GroupFilter}).
 *
 * @param accessToken true for RESOURCE claims (access token), false for IDENTITY claims (ID token, /userinfo)
 * @param scopes      conditions.scopes: the claim is issued when any of them was granted; empty = any scope
 */
public record ClaimRule(String name, boolean accessToken, boolean alwaysIncludeInToken, List<String> scopes, ClaimExpression expression,
                        GroupFilter groupFilter) {

    public ClaimRule {
        scopes = List.copyOf(scopes);
    }

    boolean appliesTo(List<String> granted) {
        return scopes.isEmpty() || scopes.stream().anyMatch(granted::contains);
    }

    /** The value for this subject, or null for no claim; a failure throws ({@link ClaimExpression.Failed}, {@link IllegalStateException}). */
    public Object value(ClaimSubject subject) {
        if (groupFilter != null) {
            return subject.user() == null ? null : groupFilter.apply(subject.groupNames());
        }
        return expression.evaluate(subject);
    }
}
