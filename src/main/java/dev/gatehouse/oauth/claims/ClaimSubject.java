package dev.gatehouse.oauth.claims;

import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.User;

import java.util.List;
import java.util.function.Supplier;

/**
 * What a claim's expression may read about one token: the user ({@code null} for client credentials), the app, the
 * granted scopes, the sign-in's {@code amr}, and the user's groups, read only when an expression or a GROUPS claim
 * asks for them (one query, once per token).
 */
public record ClaimSubject(User user, String appId, String clientId, String appLabel, List<String> scopes, List<String> amr,
                           Supplier<List<Group>> groups, Org org) {

    /** The org as {@code org.name} and {@code org.subDomain} show it. */
    public record Org(String name, String subDomain) {
    }

    public ClaimSubject {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        amr = amr == null ? List.of() : List.copyOf(amr);
        Supplier<List<Group>> read = groups == null ? List::of : groups;
        groups = new Supplier<>() {
            private List<Group> value;

            @Override
            public synchronized List<Group> get() {
                if (value == null) {
                    value = user == null ? List.of() : List.copyOf(read.get());
                }
                return value;
            }
        };
    }

    List<String> groupNames() {
        return groups.get().stream().map(Group::name).toList();
    }
}
