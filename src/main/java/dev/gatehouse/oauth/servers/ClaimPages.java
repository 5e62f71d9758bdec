package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.directory.User;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.oauth.claims.ClaimExpression;
import dev.gatehouse.oauth.claims.ClaimRule;
import dev.gatehouse.oauth.claims.CustomClaims;
import io.javalin.http.Context;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * An authorization server's Claims page in the Admin Console (Security › API › Authorization Servers › a server ›
 * Claims): the custom claims, adding, editing and deleting one, and the live check, which evaluates the claim in the
 * form (saved or not) for one person and shows the value or why it fails. The check writes nothing. Rules live in
 * {@link Claims}; the evaluation is the token path's own ({@link CustomClaims}).
 */
public final class ClaimPages {

    /** The form's fields, as typed (kept on a refusal and after a check). */
    public record Form(String name, String claimType, String valueType, String value, String groupFilterType, String scopes,
                       boolean alwaysIncludeInToken, boolean active, String user) {
        static final Form EMPTY = new Form("", "RESOURCE", "EXPRESSION", "", "STARTS_WITH", "", true, true, "");

        static Form of(Claim c) {
            return new Form(c.name(), c.claimType().name(), c.valueType().name(), c.value(),
                    c.groupFilterType() == null ? "STARTS_WITH" : c.groupFilterType().name(), String.join(" ", c.scopes()),
                    c.alwaysIncludeInToken(), c.active(), "");
        }

        ClaimRequest request() {
            List<String> list = Arrays.stream(scopes.split("[\\s,]+")).filter(s -> !s.isBlank()).toList();
            return new ClaimRequest(name, active ? "ACTIVE" : "INACTIVE", claimType, valueType, value,
                    "GROUPS".equals(valueType) ? groupFilterType : null, list, alwaysIncludeInToken);
        }
    }

    /** The live check's answer: the value as JSON, or the reason it has none. */
    public record Check(boolean ok, String text) {
    }

    /** The model of {@code oauth/claims.jte}. {@code editing} is the id of the claim the form edits, or null for a new one. */
    public record ClaimsPage(ConsoleFrame frame, AuthorizationServer server, List<Claim> claims, Form form, String editing, Check check,
                             String notice, List<String> errors) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Console console;
    private final AuthorizationServers servers;
    private final Claims claims;
    private final CustomClaims custom;
    private final Function<String, Optional<User>> users;

    /** @param users a person by login or id, for the live check */
    public ClaimPages(Console console, AuthorizationServers servers, Claims claims, CustomClaims custom, Function<String, Optional<User>> users) {
        this.console = console;
        this.servers = servers;
        this.claims = claims;
        this.custom = custom;
        this.users = users;
    }

    public void show(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        String edit = ctx.queryParam("edit");
        Form form = Form.EMPTY;
        if (edit != null) {
            form = Form.of(claims.get(s.id(), edit));
        }
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "added" -> "Claim added.";
            case "saved" -> "Claim saved.";
            case "deleted" -> "Claim deleted.";
            default -> null;
        };
        render(ctx, s, form, edit, null, notice, List.of());
    }

    /** Adds the claim; with {@code check} pressed, evaluates it instead (nothing is saved). */
    public void create(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        Form form = form(ctx);
        if (ctx.formParam("check") != null) {
            render(ctx, s, form, null, check(s, form), null, List.of());
            return;
        }
        try {
            claims.create(console.event(ctx), s, form.request());
            Console.seeOther(ctx, path(s) + "?notice=added");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, s, form, null, null, null, Console.messages(e));
        }
    }

    /** Replaces the claim; with {@code check} pressed, evaluates the form instead (nothing is saved). */
    public void update(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        String claimId = claims.get(s.id(), ctx.pathParam("claimId")).id();
        Form form = form(ctx);
        if (ctx.formParam("check") != null) {
            render(ctx, s, form, claimId, check(s, form), null, List.of());
            return;
        }
        try {
            claims.update(console.event(ctx), s, claimId, form.request());
            Console.seeOther(ctx, path(s) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, s, form, claimId, null, null, Console.messages(e));
        }
    }

    public void delete(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        claims.delete(console.event(ctx), s, ctx.pathParam("claimId"));
        Console.seeOther(ctx, path(s) + "?notice=deleted");
    }

    /** The claim of the form evaluated for the person it names, as a token for the claim's scopes (or openid) would carry it. */
    Check check(AuthorizationServer s, Form form) {
        ClaimRule rule;
        try {
            // The name does not change the value: a check needs none.
            Form named = form.name().isBlank() ? new Form("checked_claim", form.claimType(), form.valueType(), form.value(),
                    form.groupFilterType(), form.scopes(), form.alwaysIncludeInToken(), form.active(), form.user()) : form;
            rule = claims.compile(s, named.request());
        } catch (ApiError e) {
            return new Check(false, String.join(" ", Console.messages(e)));
        }
        if (form.user().isBlank()) {
            return new Check(false, "Enter the username (login) of the person to check the claim for.");
        }
        Optional<User> user = users.apply(form.user().strip());
        if (user.isEmpty()) {
            return new Check(false, "No person has the username " + form.user().strip() + ".");
        }
        List<String> scopes = rule.scopes().isEmpty() ? List.of("openid") : rule.scopes();
        try {
            Object value = rule.value(custom.subject(user.get(), null, scopes, List.of("pwd")));
            return value == null ? new Check(true, "null: the claim is left out of the token")
                    : new Check(true, JSON.writeValueAsString(value));
        } catch (ClaimExpression.Failed | IllegalStateException | IllegalArgumentException e) {
            return new Check(false, "The claim cannot be evaluated: " + e.getMessage());
        } catch (JsonProcessingException e) {
            return new Check(false, "The value cannot be shown");
        }
    }

    private static Form form(Context ctx) {
        return new Form(param(ctx, "name"), param(ctx, "claimType"), param(ctx, "valueType"), param(ctx, "value"),
                param(ctx, "groupFilterType"), param(ctx, "scopes"), "on".equals(ctx.formParam("alwaysIncludeInToken")),
                "on".equals(ctx.formParam("active")), param(ctx, "user"));
    }

    private void render(Context ctx, AuthorizationServer s, Form form, String editing, Check check, String notice, List<String> errors) {
        console.render(ctx, "oauth/claims.jte", new ClaimsPage(console.frame(ctx, Nav.AUTHORIZATION_SERVERS), s, claims.list(s.id()),
                form, editing, check, notice, errors));
    }

    private static String param(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    static String path(AuthorizationServer s) {
        return Nav.AUTHORIZATION_SERVERS.path() + "/" + s.id() + "/claims";
    }
}
