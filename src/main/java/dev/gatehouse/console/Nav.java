package dev.gatehouse.console;

import java.util.ArrayList;
import java.util.List;

/**
 * The Admin Console's side navigation, in Okta's order: section, item, path. Each section is a labelled group, so
 * "Applications › Applications" (Okta's guide: "click Applications > Applications") is the item Applications in the
 * group Applications, for people and for the browser tests' role selectors alike.
 */
public enum Nav {
    DASHBOARD(null, "Dashboard", "/admin"),
    PEOPLE("Directory", "People", "/admin/people"),
    GROUPS("Directory", "Groups", "/admin/groups"),
    APPLICATIONS("Applications", "Applications", "/admin/apps"),
    AUTHENTICATORS("Security", "Authenticators", "/admin/security/authenticators"),
    AUTHENTICATION_POLICIES("Security", "Authentication Policies", "/admin/security/authentication-policies"),
    AUTHENTICATOR_ENROLLMENT("Security", "Authenticator Enrollment", "/admin/security/authenticator-enrollment"),
    GLOBAL_SESSION_POLICY("Security", "Global Session Policy", "/admin/security/global-session-policy"),
    AUTHORIZATION_SERVERS("Security › API", "Authorization Servers", "/admin/api/authorization-servers"),
    TOKENS("Security › API", "Tokens", "/admin/api/tokens"),
    TRUSTED_ORIGINS("Security › API", "Trusted Origins", "/admin/api/trusted-origins"),
    FEATURES("Settings", "Features", "/admin/settings/features"),
    EMAILS("Settings", "Emails", "/admin/settings/emails"),
    SYSTEM_LOG("Reports", "System Log", "/admin/reports/system-log"),
    /** The sign-in doctor's org-wide problems (issue #21); an app's are on its Troubleshoot tab. */
    SIGN_IN_PROBLEMS("Reports", "Sign-in Problems", "/admin/reports/sign-in-problems");

    private final String section;
    private final String label;
    private final String path;

    Nav(String section, String label, String path) {
        this.section = section;
        this.label = label;
        this.path = path;
    }

    public String section() {
        return section;
    }

    public String label() {
        return label;
    }

    public String path() {
        return path;
    }

    /** A group of the side navigation: its heading (null for the items above the first heading) and its items. */
    public record Section(String name, List<Nav> items) {

        /** The id the group's heading gets, so the group can be labelled by it ({@code aria-labelledby}). */
        public String headingId() {
            return "nav-" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        }
    }

    /** The side navigation's groups, in order. */
    public static List<Section> sections() {
        List<Section> out = new ArrayList<>();
        for (Nav item : values()) {
            if (out.isEmpty() || !java.util.Objects.equals(out.getLast().name(), item.section)) {
                out.add(new Section(item.section, new ArrayList<>()));
            }
            out.getLast().items().add(item);
        }
        return out.stream().map(s -> new Section(s.name(), List.copyOf(s.items()))).toList();
    }
}
