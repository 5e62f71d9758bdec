package dev.gatehouse.directory;

import java.time.Instant;

/** A group of users, as Okta's Group object; {@link Type#BUILT_IN} is the Everyone group. */
public record Group(String id, Type type, String name, String description, Instant created, Instant lastUpdated,
                    Instant lastMembershipUpdated) {

    /** The id of the built-in Everyone group, created by the V2 migration. */
    public static final String EVERYONE = "00gEveryoneGroup0001";

    public enum Type { OKTA_GROUP, BUILT_IN }

    public boolean builtIn() {
        return type == Type.BUILT_IN;
    }
}
