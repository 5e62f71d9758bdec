package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Okta's default user profile schema, the one place that decides whether a profile is valid: the API
 * and the console both build a profile from its attributes (Okta names, string values) through
 * {@link #profile}. Every attribute is a string; {@code login}, {@code email}, {@code firstName} and
 * {@code lastName} are required, as in Okta's default schema; {@code login} must look like an e-mail
 * address, as Okta's default username format requires, and may hold no invisible or control character
 * ({@link Logins#refusal}). Attributes outside the default schema are
 * refused, as Okta refuses properties its schema does not define.
 */
public final class UserProfileSchema {

    /** Required attributes, in the order their errors are reported. */
    public static final List<String> REQUIRED = List.of("login", "email", "firstName", "lastName");

    /** The other attributes with a column of their own. */
    public static final List<String> COLUMNS = List.of("displayName", "mobilePhone");

    /** The further string attributes of Okta's default profile, kept in {@code users.profile_extra}. */
    public static final Set<String> OPTIONAL = Set.of("secondEmail", "middleName", "honorificPrefix", "honorificSuffix",
            "title", "nickName", "profileUrl", "primaryPhone", "streetAddress", "city", "state", "zipCode",
            "postalAddress", "countryCode", "preferredLanguage", "locale", "timezone", "userType", "employeeNumber",
            "costCenter", "organization", "division", "department", "managerId", "manager");

    /** Okta's default-schema maximum lengths; other attributes may have up to {@link #DEFAULT_MAX} characters. */
    private static final Map<String, Integer> MAX = Map.of("login", 100, "email", 100, "secondEmail", 100,
            "firstName", 50, "lastName", 50, "mobilePhone", 100, "primaryPhone", 100, "displayName", 255);
    private static final int DEFAULT_MAX = 1024;

    /** Local part, '@', then a domain of dot-separated labels: what Okta's e-mail pattern accepts in practice. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)*");

    static final String BLANK = "The field cannot be left blank";
    static final String PATTERN = "Does not match required pattern";
    static final String LOGIN_FORMAT = "Username must be in the form of an email address";
    static final String UNDEFINED = "Property is not defined in the profile";

    private UserProfileSchema() {
    }

    /**
     * The profile these attributes describe, or a 400 E0000001 with one cause per invalid attribute.
     * A null or blank value means the attribute is absent.
     */
    public static User.Profile profile(Map<String, String> attributes) {
        List<ApiError.Cause> causes = check(attributes);
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        OPTIONAL.forEach(name -> extra.put(name, value(attributes, name)));
        return new User.Profile(value(attributes, "login"), value(attributes, "email"), value(attributes, "firstName"),
                value(attributes, "lastName"), value(attributes, "displayName"), value(attributes, "mobilePhone"), extra);
    }

    /** {@code base}'s attributes with {@code changes} applied (a null value removes the attribute), validated. */
    public static User.Profile merge(User.Profile base, Map<String, String> changes) {
        Map<String, String> merged = new LinkedHashMap<>(base.attributes());
        merged.putAll(changes);
        return profile(merged);
    }

    static List<ApiError.Cause> check(Map<String, String> attributes) {
        List<ApiError.Cause> causes = new ArrayList<>();
        for (String name : REQUIRED) {
            if (value(attributes, name) == null) {
                causes.add(new ApiError.Cause(name, BLANK));
            }
        }
        String login = value(attributes, "login");
        if (login != null && !EMAIL.matcher(login).matches()) {
            causes.add(new ApiError.Cause("login", LOGIN_FORMAT));
        } else if (login != null) {
            // Invisible and control characters, which EMAIL's ASCII \s does not see: no login may look like another.
            Logins.refusal(login).ifPresent(why -> causes.add(new ApiError.Cause("login", why)));
        }
        for (String name : List.of("email", "secondEmail")) {
            String v = value(attributes, name);
            if (v != null && !EMAIL.matcher(v).matches()) {
                causes.add(new ApiError.Cause(name, PATTERN));
            }
        }
        for (String name : new TreeSet<>(attributes.keySet())) {
            String v = value(attributes, name);
            if (!REQUIRED.contains(name) && !COLUMNS.contains(name) && !OPTIONAL.contains(name)) {
                causes.add(new ApiError.Cause(name, UNDEFINED));
            } else if (v != null && v.length() > MAX.getOrDefault(name, DEFAULT_MAX)) {
                causes.add(new ApiError.Cause(name, "The field cannot be longer than " + MAX.getOrDefault(name, DEFAULT_MAX) + " characters"));
            }
        }
        return causes;
    }

    private static String value(Map<String, String> attributes, String name) {
        String v = attributes.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
