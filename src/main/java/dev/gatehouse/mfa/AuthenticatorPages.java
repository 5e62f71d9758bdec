package dev.gatehouse.mfa;

import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import io.javalin.http.Context;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Security › Authenticators (activate and deactivate Google Authenticator; the password is always on) and, on a person's
 * page, "Reset authenticators" with its confirmation page. Every change goes through {@link Authenticators} and
 * {@link Factors}, the API's use cases; every form posts through the one CSRF filter.
 */
public final class AuthenticatorPages {

    /** The model of {@code mfa/authenticators.jte}. */
    public record ListPage(ConsoleFrame frame, List<Authenticator> authenticators, String notice, List<String> errors) {
    }

    /** The model of {@code mfa/reset.jte}: the confirmation before "Reset authenticators". */
    public record ResetPage(ConsoleFrame frame, User user, int factors) {
    }

    private final Console console;
    private final Authenticators authenticators;
    private final Factors factors;
    private final Users users;

    public AuthenticatorPages(Console console, Authenticators authenticators, Factors factors, Users users) {
        this.console = console;
        this.authenticators = authenticators;
        this.factors = factors;
        this.users = users;
    }

    public void list(Context ctx) {
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "activated" -> "Authenticator activated. People can now enroll it.";
            case "saved" -> "Settings saved.";
            case "deactivated" -> "Authenticator deactivated. People who enrolled it keep their factor, but cannot use it until it is "
                    + "activated again.";
            default -> null;
        };
        render(ctx, notice, List.of());
    }

    /** {@code POST …/{id}/activate|deactivate}, and {@code …/{id}/settings} (okta_email's code lifetime). */
    public void lifecycle(Context ctx) {
        String id = ctx.pathParam("id");
        if ("settings".equals(ctx.pathParam("op"))) {
            settings(ctx, id);
            return;
        }
        boolean activate = "activate".equals(ctx.pathParam("op"));
        if (!activate && !"deactivate".equals(ctx.pathParam("op"))) {
            throw ApiError.notFound(ctx.pathParam("op"), "Lifecycle");
        }
        try {
            if (activate) {
                authenticators.activate(console.event(ctx), id);
            } else {
                authenticators.deactivate(console.event(ctx), id);
            }
            Console.seeOther(ctx, Nav.AUTHENTICATORS.path() + "?notice=" + (activate ? "activated" : "deactivated"));
        } catch (ApiError e) {
            if (e.code().status() == 404) {
                throw e;
            }
            ctx.status(400);
            String message = e.code() == ErrorCode.E0000148
                    ? "It cannot be deactivated while enrollment policies offer or require it (" + e.causes().stream()
                            .map(c -> c.message().replaceFirst("^Authenticator Enrollment Policies: ", "")).collect(Collectors.joining("; "))
                            + "): set it to Disabled there first."
                    : !authenticators.get(id).hasLifecycle() ? "The password is always on: it cannot be deactivated."
                    : activate ? "This authenticator is already active." : "This authenticator is already inactive.";
            render(ctx, null, List.of(message));
        }
    }

    /** The email authenticator's code lifetime in minutes (Okta's tokenLifetimeInMinutes), as the API's PUT sets it. */
    private void settings(Context ctx, String id) {
        Authenticator a = authenticators.get(id);
        if (!Authenticator.EMAIL.equals(a.key())) {
            throw ApiError.notFound("settings", "Lifecycle");
        }
        String raw = String.valueOf(ctx.formParam("tokenLifetimeInMinutes")).strip();
        int minutes;
        try {
            minutes = raw.length() > 6 ? -1 : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            minutes = -1;
        }
        try {
            authenticators.replace(console.event(ctx), id, a.name(), minutes);
            Console.seeOther(ctx, Nav.AUTHENTICATORS.path() + "?notice=saved");
        } catch (ApiError e) {
            if (e.code().status() == 404) {
                throw e;
            }
            ctx.status(400);
            render(ctx, null, List.of("The code lifetime must be a whole number of minutes from 1 to " + Authenticators.MAX_TOKEN_MINUTES
                    + ". Nothing was changed."));
        }
    }

    /** The confirmation page of "Reset authenticators". */
    public void resetForm(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        console.render(ctx, "mfa/reset.jte", new ResetPage(console.frame(ctx, Nav.PEOPLE), u, factors.list(u.id()).size()));
    }

    /** Removes every factor of the person (Okta's reset_factors); back to their page with what was done. */
    public void reset(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        factors.resetAll(console.event(ctx), u.id());
        Console.seeOther(ctx, Nav.PEOPLE.path() + "/" + u.id() + "?notice=factors-reset");
    }

    private void render(Context ctx, String notice, List<String> errors) {
        console.render(ctx, "mfa/authenticators.jte", new ListPage(console.frame(ctx, Nav.AUTHENTICATORS), authenticators.list(), notice, errors));
    }
}
