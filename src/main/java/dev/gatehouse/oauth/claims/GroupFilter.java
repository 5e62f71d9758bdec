package dev.gatehouse.oauth.claims;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A GROUPS claim's filter on the user's group names (Okta's {@code group_filter_type}): STARTS_WITH, EQUALS and
 * CONTAINS ignore case, REGEX is case-sensitive and must match the whole name. At most {@link #MAX_GROUPS} names:
 * Okta fails a request whose groups claim matches more ("Up to 100 groups are included in the claim").
 */
public record GroupFilter(Type type, String value, BoundedRegex regex) {

    public static final int MAX_GROUPS = 100;

    public enum Type { STARTS_WITH, EQUALS, CONTAINS, REGEX }

    /** The filter, or {@link IllegalArgumentException} when a REGEX value does not compile. */
    public static GroupFilter of(Type type, String value) {
        return new GroupFilter(type, value, type == Type.REGEX ? BoundedRegex.compile(value) : null);
    }

    public boolean matches(String name) {
        return matches(name, new int[1]);
    }

    private boolean matches(String name, int[] reads) {
        String n = name.toLowerCase(Locale.ROOT);
        String v = value.toLowerCase(Locale.ROOT);
        return switch (type) {
            case STARTS_WITH -> n.startsWith(v);
            case EQUALS -> n.equals(v);
            case CONTAINS -> n.contains(v);
            case REGEX -> regex.matches(name, reads);
        };
    }

    /** The matching names in the given order; more than {@link #MAX_GROUPS} is a failure (the claim is not issued). */
    public List<String> apply(List<String> names) {
        List<String> out = new ArrayList<>();
        int[] reads = new int[1]; // one regex budget for all the names (BoundedRegex)
        for (String name : names) {
            if (matches(name, reads)) {
                out.add(name);
                if (out.size() > MAX_GROUPS) {
                    throw new IllegalStateException("The groups claim matched too many groups and must be configured to match fewer groups.");
                }
            }
        }
        return out;
    }
}
