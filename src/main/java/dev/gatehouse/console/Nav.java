package dev.gatehouse.console;

/** The Admin Console's side navigation, in Okta's order: section, item, path. */
public enum Nav {
    DASHBOARD(null, "Dashboard", "/admin"),
    PEOPLE("Directory", "People", "/admin/people"),
    GROUPS("Directory", "Groups", "/admin/groups"),
    APPLICATIONS("Applications", "Applications", "/admin/apps"),
    AUTHORIZATION_SERVERS("Security › API", "Authorization Servers", "/admin/api/authorization-servers"),
    TOKENS("Security › API", "Tokens", "/admin/api/tokens"),
    TRUSTED_ORIGINS("Security › API", "Trusted Origins", "/admin/api/trusted-origins"),
    FEATURES("Settings", "Features", "/admin/settings/features"),
    SYSTEM_LOG("Reports", "System Log", "/admin/reports/system-log");

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

    /** True when this item starts a new section heading in the side navigation. */
    public boolean startsSection() {
        return section != null && (ordinal() == 0 || !section.equals(values()[ordinal() - 1].section));
    }
}
