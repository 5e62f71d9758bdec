package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import io.javalin.http.Context;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Directory › People in the Admin Console: list and search, add a person, and a person's page
 * (profile, lifecycle, password reset, groups). Every change goes through {@link Users} or
 * {@link Groups}, the same use cases as the API, so validation messages are the API's.
 */
public final class PeoplePages {

    /** The model of {@code directory/people.jte}. */
    public record PeoplePage(ConsoleFrame frame, String q, String status, List<User> people, boolean more) {
    }

    /**
     * The model of {@code directory/person-new.jte}: the form, refilled with what was typed when it failed, and the
     * password policy's rules, shown beside the password field.
     */
    public record NewPersonPage(ConsoleFrame frame, Map<String, String> values, boolean activate, List<String> errors,
                                String passwordRules, boolean byEmail) {
    }

    /**
     * The model of {@code directory/person.jte}; {@code clearSessions} whether the page offers "Clear user sessions" (as
     * Okta: not on the admin's own page; and not for people who cannot hold a session or a token: STAGED, PROVISIONED,
     * DEPROVISIONED); {@code passwordRules} are shown on the reset-password form; {@code factors} the person's enrolled
     * MFA factors, with "Reset authenticators" while there is one.
     */
    public record PersonPage(ConsoleFrame frame, User user, Map<String, String> values, List<Lifecycle> actions,
                             List<Group> groups, List<Group> otherGroups, String notice, List<String> errors, boolean clearSessions,
                             String passwordRules, List<EnrolledFactors.Entry> factors) {
    }

    /** The model of {@code directory/person-sessions.jte}: the confirmation before "Clear user sessions". */
    public record ClearSessionsPage(ConsoleFrame frame, User user) {
    }

    static final List<String> FORM_FIELDS = List.of("firstName", "lastName", "login", "email", "displayName", "mobilePhone");
    private static final int PAGE = 50;

    private final Console console;
    private final Users users;
    private final Groups groups;
    private final EnrolledFactors factors;
    private final Activations activations;

    public PeoplePages(Console console, Users users, Activations activations, Groups groups, EnrolledFactors factors) {
        this.console = console;
        this.activations = activations;
        this.factors = factors;
        this.users = users;
        this.groups = groups;
    }

    public void list(Context ctx) {
        String q = trim(ctx.queryParam("q"));
        String status = trim(ctx.queryParam("status"));
        String filter = status == null || Arrays.stream(User.Status.values()).noneMatch(s -> s.name().equals(status))
                ? null : "status eq \"" + status + "\"";
        List<User> found = users.list(new Users.Search(q, filter, null, trim(ctx.queryParam("after")), PAGE + 1));
        boolean more = found.size() > PAGE;
        console.render(ctx, "directory/people.jte", new PeoplePage(console.frame(ctx, Nav.PEOPLE), q == null ? "" : q,
                filter == null ? "" : status, more ? found.subList(0, PAGE) : found, more));
    }

    public void newForm(Context ctx) {
        console.render(ctx, "directory/person-new.jte", new NewPersonPage(console.frame(ctx, Nav.PEOPLE), Map.of(), true, List.of(),
                users.passwordPolicy().formHelp(), true));
    }

    public void create(Context ctx) {
        Map<String, String> values = form(ctx);
        String password = blankToNull(ctx.formParam("password"));
        boolean activate = ctx.formParam("activate") != null;
        // Okta's choice on Add Person: the person sets their password from an activation email, or the admin sets it. A
        // form without the choice (older pages, scripts) means "Set password", as before.
        boolean byEmail = "email".equals(ctx.formParam("setup"));
        if (byEmail && password != null) {
            // Two contradicting answers: say so rather than pick one (the typed password is not kept).
            ctx.status(400);
            console.render(ctx, "directory/person-new.jte", new NewPersonPage(console.frame(ctx, Nav.PEOPLE), values, activate,
                    List.of("Choose \"Set password\" to set the password yourself, or leave the password empty: with an activation"
                            + " email the person chooses it."), users.passwordPolicy().formHelp(), true));
            return;
        }
        try {
            User u = byEmail
                    ? activations.create(console.event(ctx), new Users.NewUser(values, null, activate, List.of()))
                    : users.create(console.event(ctx), new Users.NewUser(values, password, activate, List.of()));
            Console.seeOther(ctx, Nav.PEOPLE.path() + "/" + u.id() + "?notice="
                    + (u.status() == User.Status.PROVISIONED ? "created-email" : "created"));
        } catch (ApiError e) {
            ctx.status(400);
            console.render(ctx, "directory/person-new.jte", new NewPersonPage(console.frame(ctx, Nav.PEOPLE), values, activate, Console.messages(e),
                    users.passwordPolicy().formHelp(), byEmail));
        }
    }

    public void show(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        render(ctx, u, values(u), notice(ctx.queryParam("notice")), List.of());
    }

    public void updateProfile(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        Map<String, String> values = form(ctx);
        try {
            users.update(console.event(ctx), u.id(), values, null);
            Console.seeOther(ctx, path(u) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, u, values, null, Console.messages(e));
        }
    }

    public void lifecycle(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        Lifecycle change = Arrays.stream(Lifecycle.values()).filter(l -> l.operation().equals(ctx.pathParam("op"))).findFirst()
                .orElseThrow(() -> ApiError.notFound(ctx.pathParam("op"), "Lifecycle"));
        try {
            if (change == Lifecycle.ACTIVATE) {
                // As the API's default (sendEmail=true): a person without a password gets the activation email.
                activations.activate(console.event(ctx), u.id(), true);
                boolean emailed = users.get(u.id()).status() == User.Status.PROVISIONED;
                Console.seeOther(ctx, path(u) + "?notice=" + (emailed ? "activation-sent" : change.operation()));
                return;
            }
            users.lifecycle(console.event(ctx), u.id(), change);
            Console.seeOther(ctx, path(u) + "?notice=" + change.operation());
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, users.get(u.id()), values(u), null, Console.messages(e));
        }
    }

    /**
     * "Send activation email" (STAGED: activates, Okta's sendEmail=true) and "Resend activation email" (PROVISIONED:
     * reactivates with a new link, the old one dead); other statuses get the API's refusal on the page.
     */
    public void sendActivation(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        try {
            if (u.status() == User.Status.PROVISIONED) {
                activations.reactivate(console.event(ctx), u.id(), true);
            } else {
                activations.activate(console.event(ctx), u.id(), true);
            }
            boolean emailed = users.get(u.id()).status() == User.Status.PROVISIONED;
            Console.seeOther(ctx, path(u) + "?notice=" + (emailed ? "activation-sent" : "activate"));
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, users.get(u.id()), values(u), null, Console.messages(e));
        }
    }

    public void resetPassword(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        try {
            // Ends the person's sessions; the admin's own is spared when they set their own password (as Okta's revokeSessions).
            users.setPassword(console.event(ctx), u.id(), ctx.formParam("password") == null ? "" : ctx.formParam("password"),
                    console.current(ctx).sessionId());
            Console.seeOther(ctx, path(u) + "?notice=password");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, u, values(u), null, Console.messages(e));
        }
    }

    /** The confirmation page of "Clear user sessions" (Okta's "Clear sessions and revoke tokens" dialog), with the tokens option. */
    public void sessionsForm(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        console.render(ctx, "directory/person-sessions.jte", new ClearSessionsPage(console.frame(ctx, Nav.PEOPLE), u));
    }

    /**
     * Ends every session of the person, and with the box {@code oauthTokens} ticked also revokes their OAuth tokens for
     * good; back to their page with what was done. Through {@link Users#clearSessions}, as the API's DELETE.
     */
    public void clearSessions(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        boolean tokens = ctx.formParam("oauthTokens") != null;
        users.clearSessions(console.event(ctx), u.id(), tokens);
        Console.seeOther(ctx, path(u) + "?notice=" + (tokens ? "sessions-tokens" : "sessions"));
    }

    public void delete(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        try {
            users.delete(console.event(ctx), u.id());
            Console.seeOther(ctx, Nav.PEOPLE.path());
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, u, values(u), null, Console.messages(e));
        }
    }

    public void addToGroup(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        try {
            groups.addMember(console.event(ctx), ctx.formParam("groupId"), u.id());
            Console.seeOther(ctx, path(u) + "?notice=group-added");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, u, values(u), null, Console.messages(e));
        }
    }

    public void removeFromGroup(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        try {
            groups.removeMember(console.event(ctx), ctx.pathParam("groupId"), u.id());
            Console.seeOther(ctx, path(u) + "?notice=group-removed");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, u, values(u), null, Console.messages(e));
        }
    }

    private void render(Context ctx, User u, Map<String, String> values, String notice, List<String> errors) {
        List<Group> memberOf = groups.groupsOf(u.id());
        List<Group> others = groups.list(null, null, null, 200).stream()
                .filter(g -> !g.builtIn() && memberOf.stream().noneMatch(m -> m.id().equals(g.id()))).toList();
        List<Lifecycle> actions = Arrays.stream(Lifecycle.values()).filter(l -> l.allowedFrom(u.status())).toList();
        boolean clearSessions = !u.id().equals(console.current(ctx).id())
                && !List.of(User.Status.STAGED, User.Status.PROVISIONED, User.Status.DEPROVISIONED).contains(u.status());
        console.render(ctx, "directory/person.jte", new PersonPage(console.frame(ctx, Nav.PEOPLE), u, values, actions, memberOf, others,
                notice, errors, clearSessions, users.passwordPolicy().formHelp(), factors.of(u.id())));
    }

    private static Map<String, String> values(User u) {
        Map<String, String> v = new LinkedHashMap<>();
        User.Profile p = u.profile();
        v.put("firstName", p.firstName());
        v.put("lastName", p.lastName());
        v.put("login", p.login());
        v.put("email", p.email());
        v.put("displayName", p.displayName());
        v.put("mobilePhone", p.mobilePhone());
        return v;
    }

    private static Map<String, String> form(Context ctx) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String f : FORM_FIELDS) {
            String value = ctx.formParam(f);
            if (value != null) {
                v.put(f, value.isBlank() && !UserProfileSchema.REQUIRED.contains(f) ? null : value.strip());
            }
        }
        return v;
    }

    private static String notice(String code) {
        if (code == null) {
            return null;
        }
        return switch (code.toLowerCase(Locale.ROOT)) {
            case "created" -> "Person added.";
            case "created-email" -> "Person added. An activation email is on its way: the link lets them choose a password.";
            case "activation-sent" -> "Activation email sent. Any earlier activation link no longer works.";
            case "saved" -> "Profile saved.";
            case "password" -> "Password reset. The person's other sessions were ended; tell them their new password through a channel you trust.";
            case "sessions" -> "Sessions cleared. The person must sign in again; their apps' OAuth tokens were kept.";
            case "sessions-tokens" -> "Sessions cleared and OAuth tokens revoked. The person must sign in again, in every app.";
            case "group-added" -> "Added to the group.";
            case "group-removed" -> "Removed from the group.";
            case "activate" -> "Person activated.";
            case "deactivate" -> "Person deactivated. Their sessions were ended and their OAuth tokens revoked for good.";
            case "suspend" -> "Person suspended. Their sessions were ended; they can no longer sign in until unsuspended.";
            case "unsuspend" -> "Person unsuspended.";
            case "unlock" -> "Account unlocked. The person can sign in again.";
            case "factors-reset" -> "Authenticators reset. The person's enrolled factors were removed; they can set up an authenticator again.";
            default -> null;
        };
    }

    private static String path(User u) {
        return Nav.PEOPLE.path() + "/" + u.id();
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
