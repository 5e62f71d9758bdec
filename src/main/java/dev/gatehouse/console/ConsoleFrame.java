package dev.gatehouse.console;

/**
 * What every console page shows around its content: org, signed-in admin, CSRF token, active nav item, and whether the
 * admin has a second factor (without one, a banner asks them to set one up).
 */
public record ConsoleFrame(String orgName, String userName, String userLogin, String csrf, Nav active, boolean secondFactor) {
    public java.util.List<Nav.Section> nav() {
        return Nav.sections();
    }
}
