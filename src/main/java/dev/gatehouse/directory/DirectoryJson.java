package dev.gatehouse.directory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Okta's User and Group JSON, with {@code _links} to this server. The password hash is never part of it. */
public final class DirectoryJson {

    private final String baseUrl;
    private final java.util.function.Function<java.util.Collection<String>, java.util.Set<String>> withFactors;

    /**
     * @param withFactors of the given user ids, those with an MFA factor enrolled, pending or active (mfa/Factors): one
     *                    query for a whole page of users
     */
    public DirectoryJson(String baseUrl, java.util.function.Function<java.util.Collection<String>, java.util.Set<String>> withFactors) {
        this.baseUrl = baseUrl;
        this.withFactors = withFactors;
    }

    /** Okta's ResetPasswordToken: {@code {"resetPasswordUrl": ...}} ({@code sendEmail=false}), or {@code {}} when emailed. */
    public Map<String, Object> resetPasswordToken(java.util.Optional<String> url) {
        return url.<Map<String, Object>>map(u -> Map.of("resetPasswordUrl", u)).orElseGet(Map::of);
    }

    /** Okta's TempPassword: {@code {"tempPassword": ...}}. */
    public Map<String, Object> tempPassword(String temp) {
        return Map.of("tempPassword", temp);
    }

    /** A password hash for an export (issue #22): Okta's PasswordCredentialHash shape, as read. */
    public Object passwordHash(com.fasterxml.jackson.databind.node.ObjectNode hash) {
        return hash;
    }

    public Map<String, Object> user(User u) {
        return user(u, withFactors.apply(List.of(u.id())).contains(u.id()));
    }

    /** A page of users, asking once which of them have factors. */
    public List<Map<String, Object>> users(List<User> page) {
        java.util.Set<String> enrolled = page.isEmpty() ? java.util.Set.of() : withFactors.apply(page.stream().map(User::id).toList());
        return page.stream().map(u -> user(u, enrolled.contains(u.id()))).toList();
    }

    private Map<String, Object> user(User u, boolean hasFactors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("status", u.status().name());
        m.put("created", u.created());
        m.put("activated", u.activated());
        m.put("statusChanged", u.statusChanged());
        m.put("lastLogin", u.lastLogin());
        m.put("lastUpdated", u.lastUpdated());
        m.put("passwordChanged", u.passwordChanged());
        m.put("profile", profile(u.profile()));
        Map<String, Object> credentials = new LinkedHashMap<>();
        if (u.hasPassword()) {
            credentials.put("password", Map.of());
        }
        credentials.put("provider", Map.of("type", "OKTA", "name", "OKTA"));
        m.put("credentials", credentials);
        m.put("_links", userLinks(u, hasFactors));
        return m;
    }

    /** Okta shows firstName, lastName, mobilePhone, secondEmail, login and email always (null when unset), then the rest. */
    static Map<String, Object> profile(User.Profile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("firstName", p.firstName());
        m.put("lastName", p.lastName());
        m.put("mobilePhone", p.mobilePhone());
        m.put("secondEmail", p.extra().get("secondEmail"));
        m.put("login", p.login());
        m.put("email", p.email());
        p.attributes().forEach(m::putIfAbsent);
        return m;
    }

    /**
     * {@code self}, a POST link for each lifecycle operation the user's status allows, and {@code resetFactors} while the
     * user has a factor (Okta: "This link is present only if the user is currently enrolled in one or more MFA factors"). No {@code groups} link: Okta's
     * User schema has none, and none of Okta's 578 recorded user responses (terraform-provider-okta VCR fixtures) has one.
     */
    private Map<String, Object> userLinks(User u, boolean hasFactors) {
        String self = baseUrl + "/api/v1/users/" + u.id();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", Map.of("href", self));
        for (Lifecycle op : Lifecycle.values()) {
            if (op.allowedFrom(u.status())) {
                links.put(op.operation(), Map.of("href", self + "/lifecycle/" + op.operation(), "method", "POST"));
            }
        }
        // The password lifecycle (issue #19), as Okta lists them on a user it allows them for.
        if (PasswordRecovery.ADMIN_RESETTABLE.contains(u.status())) {
            links.put("resetPassword", Map.of("href", self + "/lifecycle/reset_password", "method", "POST"));
        }
        if (u.hasPassword() && PasswordRecovery.EXPIRABLE.contains(u.status())) {
            links.put("expirePassword", Map.of("href", self + "/lifecycle/expire_password", "method", "POST"));
        }
        if (u.status() == User.Status.PROVISIONED) {   // Okta's reactivate link, for the user who has not finished activation
            links.put("reactivate", Map.of("href", self + "/lifecycle/reactivate", "method", "POST"));
        }
        if (hasFactors) {
            links.put("resetFactors", Map.of("href", self + "/lifecycle/reset_factors", "method", "POST"));
        }
        return links;
    }

    /** Okta's {@code UserActivationToken}: the link Okta would have emailed, and its token. */
    public Map<String, Object> activationToken(Activations.Link link) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activationUrl", link.activationUrl());
        m.put("activationToken", link.activationToken());
        return m;
    }

    public Map<String, Object> group(Group g) {
        Map<String, Object> m = new LinkedHashMap<>();
        String self = baseUrl + "/api/v1/groups/" + g.id();
        m.put("id", g.id());
        m.put("created", g.created());
        m.put("lastUpdated", g.lastUpdated());
        m.put("lastMembershipUpdated", g.lastMembershipUpdated());
        m.put("objectClass", List.of("okta:user_group"));
        m.put("type", g.type().name());
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("name", g.name());
        if (g.description() != null) {
            // Okta's schema has no null description, and Okta never sends one (its recorded group responses carry a text,
            // "" at the least): a group without one has no description member.
            profile.put("description", g.description());
        }
        m.put("profile", profile);
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", Map.of("href", self));
        links.put("users", Map.of("href", self + "/users"));
        m.put("_links", links);
        return m;
    }
}
