package dev.gatehouse.console;

/** What every console page shows around its content: org, signed-in admin, CSRF token, active nav item. */
public record ConsoleFrame(String orgName, String userName, String userLogin, String csrf, Nav active) {
    public java.util.List<Nav.Section> nav() {
        return Nav.sections();
    }
}
