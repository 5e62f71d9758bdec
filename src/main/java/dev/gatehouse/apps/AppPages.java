package dev.gatehouse.apps;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.apps.AppSettings.ApplicationType;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.Groups;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.origins.Origin;
import dev.gatehouse.origins.TrustedOrigin;
import dev.gatehouse.origins.TrustedOrigins;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Applications in the Admin Console, as Okta's guide walks through it: the list, the wizard (platform and sign-in
 * method, then General Settings), and the app page with its General (client credentials, settings with Edit), Sign On
 * and Assignments tabs. Every change goes through {@link Apps} with an {@link AppRequest}, the same path the
 * management API takes.
 *
 * <p>Two wordings, one wizard. The guide Gatehouse follows (shared/docs/GUIDE.md) uses Okta's classic console: <b>Add
 * Application</b>, <b>Create New App</b>, platform <b>Single-Page App (SPA)</b>, <b>Create</b>, <b>Login redirect
 * URIs</b>. Okta's newer console says <b>Create App Integration</b>, <b>Single-Page Application</b>, <b>Next</b>,
 * <b>Sign-in redirect URIs</b> (developer.okta.com, "Create an Okta app integration", sign-into-spa guides, both
 * versions; the classic dialog was "Create a New Application Integration" with Platform and Sign on method, as
 * third-party setup guides of that time describe it). Every control carries the guide's name with the newer one as a
 * secondary label; only the wizard's first button cannot have two names, so the platform page is reached under both
 * names ({@link Entry}) and says Create or Next accordingly. The form, its handler and the next page are the same.
 */
public final class AppPages {

    public record AppsPage(ConsoleFrame frame, String q, List<App> apps) {
    }

    /** The way into the platform page, in the wording of the console the admin's guide describes. */
    public enum Entry {
        /** The guide's, Okta's classic console: Applications › Add Application › Create New App; the button says Create. */
        CREATE_NEW_APP("create-new-app", "Create"),
        /** Okta's newer console: Applications › Create App Integration; the button says Next. */
        CREATE_APP_INTEGRATION("create-app-integration", "Next");

        private final String slug;
        private final String button;

        Entry(String slug, String button) {
            this.slug = slug;
            this.button = button;
        }

        public String slug() {
            return slug;
        }

        /** The label of the button that goes on to General Settings. */
        public String button() {
            return button;
        }

        public String path() {
            return Nav.APPLICATIONS.path() + "/new/" + slug;
        }

        /** The entry named by a {@code from} parameter; the guide's for anything else. */
        static Entry of(String slug) {
            return CREATE_APP_INTEGRATION.slug.equals(slug) ? CREATE_APP_INTEGRATION : CREATE_NEW_APP;
        }
    }

    public record AddApplicationPage(ConsoleFrame frame) {
    }

    public record NewAppPage(ConsoleFrame frame, String method, String type, List<String> errors, Entry entry) {
    }

    /** A grant type checkbox. */
    public record GrantChoice(String wire, String label, boolean checked, boolean needsFeature) {
    }

    public record AppFormPage(ConsoleFrame frame, String type, String typeName, String label, List<GrantChoice> grants,
                              List<String> redirectUris, List<String> postLogoutRedirectUris, String assignment,
                              List<Group> groups, List<String> selectedGroups, List<String> errors, List<String> baseUris,
                              Entry entry) {

        /** Back to the platform page this form came from, with the choice made there. */
        public String back() {
            return entry.path() + ("service".equals(type) ? "?method=api" : "?method=oidc&type=" + type);
        }
    }

    /** The General Settings edit form, refilled with what was typed when saving failed. */
    public record EditForm(String label, List<GrantChoice> grants, List<String> redirectUris, List<String> postLogoutRedirectUris,
                           String initiateLoginUri, String rotation, String leeway, boolean service) {
    }

    public record AppPage(ConsoleFrame frame, App app, String tab, EditForm edit, String newSecret, Assignments assignments,
                          List<Group> groups, String orgIssuer, String defaultIssuer, String authJsConfig,
                          String notice, List<String> errors, List<dev.gatehouse.oauth.issued.IssuedTokenStore.RefreshToken> grants,
                          SignOnPolicy signOnPolicy) {
    }

    /**
     * The Sign On tab's app sign-in policy: the one that applies and those that could (the policies package answers,
     * through the function Wiring gives).
     */
    public record SignOnPolicy(String id, String name, List<Choice> choices) {
        public record Choice(String id, String name) {
        }
    }

    /** What the wizard suggests, as Okta's: the local-development URIs of the SPA guide. */
    static final String DEFAULT_REDIRECT = "http://localhost:8080/login/callback";
    static final String DEFAULT_SIGN_OUT = "http://localhost:8080";

    private final Console console;
    private final Apps apps;
    private final Groups groups;
    private final Users users;
    private final String baseUrl;
    private final java.util.function.BooleanSupplier spaRefreshTokens;
    private final dev.gatehouse.oauth.issued.AppTokens tokens;
    private final TrustedOrigins trustedOrigins;
    private final java.util.function.Function<String, SignOnPolicy> signOnPolicy;

    public AppPages(Console console, Apps apps, dev.gatehouse.oauth.issued.AppTokens tokens, Groups groups, Users users, String baseUrl,
                    java.util.function.BooleanSupplier spaRefreshTokens, TrustedOrigins trustedOrigins,
                    java.util.function.Function<String, SignOnPolicy> signOnPolicy) {
        this.signOnPolicy = signOnPolicy;
        this.trustedOrigins = trustedOrigins;
        this.spaRefreshTokens = spaRefreshTokens;
        this.tokens = tokens;
        this.console = console;
        this.apps = apps;
        this.groups = groups;
        this.users = users;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        String q = blankToNull(ctx.queryParam("q"));
        console.render(ctx, "apps/list.jte", new AppsPage(console.frame(ctx, Nav.APPLICATIONS), q == null ? "" : q,
                apps.list(q, null, null, 200)));
    }

    /** Okta's classic Add Application page: there is no catalog here, so it explains that and offers Create New App. */
    public void addApplication(Context ctx) {
        console.render(ctx, "apps/add.jte", new AddApplicationPage(console.frame(ctx, Nav.APPLICATIONS)));
    }

    /**
     * The platform page, reached as Create New App (the guide) or Create App Integration (Okta's newer console). No
     * platform is preselected: the guide's note says the choice matters, so the admin makes it. {@code method} and
     * {@code type} refill it when coming back from General Settings.
     */
    public void chooseType(Context ctx, Entry entry) {
        String method = "api".equals(ctx.queryParam("method")) ? "api" : "oidc";
        String type = type(ctx.queryParam("type")).filter(t -> t != ApplicationType.SERVICE).map(ApplicationType::wire).orElse(null);
        console.render(ctx, "apps/new.jte", new NewAppPage(console.frame(ctx, Nav.APPLICATIONS), method, type, List.of(), entry));
    }

    public void settingsForm(Context ctx) {
        Entry entry = Entry.of(ctx.queryParam("from"));
        boolean api = "api".equals(ctx.queryParam("method"));
        String type = api ? "service" : ctx.queryParam("type");
        Optional<ApplicationType> t = type(type);
        if (t.isEmpty() || (!api && t.get() == ApplicationType.SERVICE)) {
            ctx.status(400);
            console.render(ctx, "apps/new.jte", new NewAppPage(console.frame(ctx, Nav.APPLICATIONS), "oidc", null,
                    List.of("Pick a platform: Web, Single-Page App (SPA) or Native app (or API Services as the sign-in method)."), entry));
            return;
        }
        ApplicationType at = t.get();
        List<String> defaultGrants = switch (at) {
            case SERVICE -> List.of(GrantType.CLIENT_CREDENTIALS.wire());
            case BROWSER -> List.of(GrantType.AUTHORIZATION_CODE.wire());
            default -> List.of(GrantType.AUTHORIZATION_CODE.wire());
        };
        renderForm(ctx, at, "My " + typeName(at) + " App", defaultGrants, List.of(DEFAULT_REDIRECT), List.of(DEFAULT_SIGN_OUT),
                "everyone", List.of(), List.of(), Origin.ofUrl(DEFAULT_REDIRECT).map(Origin::toString).stream().toList(), entry);
    }

    public void create(Context ctx) {
        ApplicationType at = type(ctx.formParam("type")).orElseThrow(() -> ApiError.validation("application_type", "Choose an application type"));
        String label = ctx.formParam("label");
        List<String> grants = ctx.formParams("grant");
        List<String> redirects = nonBlank(ctx.formParams("redirect_uri"));
        List<String> signOut = nonBlank(ctx.formParams("post_logout_redirect_uri"));
        String assignment = String.valueOf(ctx.formParam("assignment"));
        List<String> groupIds = ctx.formParams("groupId");
        List<String> baseUris = at == ApplicationType.SERVICE ? List.of() : nonBlank(ctx.formParams("base_uri"));
        AppRequest request = AppRequest.builder(label, at.wire()).grantTypes(grants)
                .redirectUris(at == ApplicationType.SERVICE ? null : redirects)
                .postLogoutRedirectUris(at == ApplicationType.SERVICE ? null : signOut)
                .implicitAssignment("everyone".equals(assignment) && at != ApplicationType.SERVICE)
                .build();
        try {
            if ("groups".equals(assignment) && groupIds.isEmpty()) {
                throw ApiError.validation("assignments", "Choose at least one group, or another assignment option");
            }
            List<Origin> origins = trustedOrigins.checkBaseUris(baseUris); // before the app exists: a bad one creates nothing
            Apps.Created created = apps.create(console.event(ctx), request);
            if ("groups".equals(assignment) && at != ApplicationType.SERVICE) {
                for (String g : groupIds) {
                    apps.assignGroup(console.event(ctx), created.app().id(), g);
                }
            }
            TrustedOrigins.BaseUris trusted = trustedOrigins.ensureForBaseUris(console.event(ctx), origins);
            if (created.clientSecret().isPresent()) {
                render(ctx, created.app(), "general", null, created.clientSecret().get(),
                        "App integration created." + originsNotice(trusted.created(), trusted.existing()), List.of());
            } else {
                StringBuilder query = new StringBuilder("?notice=created");
                trusted.created().forEach(o -> query.append("&trustedOrigin=").append(o.id()));
                trusted.existing().forEach(o -> query.append("&existingOrigin=").append(o.id()));
                Console.seeOther(ctx, path(created.app()) + query);
            }
        } catch (ApiError e) {
            ctx.status(400);
            renderForm(ctx, at, label == null ? "" : label, grants, redirects, signOut, assignment, groupIds, Console.messages(e), baseUris,
                    Entry.of(ctx.formParam("from")));
        }
    }

    public void show(Context ctx) {
        App app = apps.get(ctx.pathParam("id"));
        String tab = switch (String.valueOf(ctx.queryParam("tab"))) {
            case "sign-on" -> "sign-on";
            case "assignments" -> "assignments";
            default -> "general";
        };
        String notice = notice(ctx.queryParam("notice"));
        if (notice != null && "created".equals(ctx.queryParam("notice"))) {
            notice += originsNotice(origins(ctx.queryParams("trustedOrigin")), origins(ctx.queryParams("existingOrigin")));
        }
        render(ctx, app, tab, null, null, notice, List.of());
    }

    public void editForm(Context ctx) {
        App app = apps.get(ctx.pathParam("id"));
        AppSettings s = app.settings();
        EditForm form = new EditForm(app.label(), grantChoices(s.applicationType(), s.grantTypes().stream().map(GrantType::wire).toList()),
                s.redirectUris(), s.postLogoutRedirectUris(), s.initiateLoginUri() == null ? "" : s.initiateLoginUri(),
                s.refreshToken().rotationType().wire(), Integer.toString(s.refreshToken().leeway()), s.applicationType() == ApplicationType.SERVICE);
        render(ctx, app, "general", form, null, null, List.of());
    }

    public void update(Context ctx) {
        App app = apps.get(ctx.pathParam("id"));
        ApplicationType at = app.settings().applicationType();
        List<String> grants = ctx.formParams("grant");
        List<String> redirects = nonBlank(ctx.formParams("redirect_uri"));
        List<String> signOut = nonBlank(ctx.formParams("post_logout_redirect_uri"));
        String initiate = blankToNull(ctx.formParam("initiate_login_uri"));
        String rotation = ctx.formParam("rotation");
        String leewayText = ctx.formParam("leeway") == null ? "" : ctx.formParam("leeway").strip();
        EditForm typed = new EditForm(String.valueOf(ctx.formParam("label")), grantChoices(at, grants), redirects, signOut,
                initiate == null ? "" : initiate, rotation, leewayText, at == ApplicationType.SERVICE);
        try {
            Integer leeway = null;
            if (!leewayText.isEmpty()) {
                try {
                    leeway = Integer.parseInt(leewayText);
                } catch (NumberFormatException e) {
                    throw ApiError.validation("refresh_token.leeway", AppRules.LEEWAY);
                }
            }
            AppSettings s = app.settings();
            AppRequest request = AppRequest.builder(ctx.formParam("label"), at.wire()).grantTypes(grants)
                    .redirectUris(at == ApplicationType.SERVICE ? null : redirects)
                    .postLogoutRedirectUris(at == ApplicationType.SERVICE ? null : signOut)
                    .initiateLoginUri(initiate)
                    .tokenEndpointAuthMethod(s.tokenEndpointAuthMethod().wire()).pkceRequired(s.pkceRequired())
                    .consentMethod(s.consentMethod().wire()).issuerMode(s.issuerMode().wire())
                    .refreshTokenRotation(grants.contains(GrantType.REFRESH_TOKEN.wire()) ? rotation : null)
                    .refreshTokenLeeway(grants.contains(GrantType.REFRESH_TOKEN.wire()) ? leeway : null)
                    .adminNote(s.adminNote()).endUserNote(s.endUserNote())
                    .build();
            apps.update(console.event(ctx), app.id(), request);
            Console.seeOther(ctx, path(app) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, app, "general", typed, null, null, Console.messages(e));
        }
    }

    public void activate(Context ctx) {
        App app = apps.activate(console.event(ctx), ctx.pathParam("id"));
        Console.seeOther(ctx, path(app) + "?notice=activated");
    }

    public void deactivate(Context ctx) {
        App app = apps.deactivate(console.event(ctx), ctx.pathParam("id"));
        Console.seeOther(ctx, path(app) + "?notice=deactivated");
    }

    public void delete(Context ctx) {
        App app = apps.get(ctx.pathParam("id"));
        try {
            apps.delete(console.event(ctx), app.id());
            Console.seeOther(ctx, Nav.APPLICATIONS.path());
        } catch (ApiError e) {
            ctx.status(e.code().status());
            render(ctx, app, "general", null, null, null, Console.messages(e));
        }
    }

    public void rotateSecret(Context ctx) {
        App app = apps.get(ctx.pathParam("id"));
        try {
            String secret = apps.rotateSecret(console.event(ctx), app.id());
            render(ctx, apps.get(app.id()), "general", null, secret, "New client secret generated. The previous one no longer works.", List.of());
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, app, "general", null, null, null, Console.messages(e));
        }
    }

    public void assignGroup(Context ctx) {
        assignment(ctx, app -> apps.assignGroup(console.event(ctx), app.id(), ctx.formParam("groupId")));
    }

    public void unassignGroup(Context ctx) {
        assignment(ctx, app -> apps.unassignGroup(console.event(ctx), app.id(), ctx.pathParam("groupId")));
    }

    public void assignUser(Context ctx) {
        assignment(ctx, app -> {
            String login = ctx.formParam("login") == null ? "" : ctx.formParam("login").strip();
            User u = users.find(login).orElseThrow(() -> ApiError.validation("login", "No person has the username '" + login + "'"));
            apps.assignUser(console.event(ctx), app.id(), u.id());
        });
    }

    /** Revokes one active grant (a refresh token's whole family) from the Assignments tab. */
    public void revokeGrant(Context ctx) {
        assignment(ctx, app -> tokens.revoke(console.event(ctx), app.id(), ctx.pathParam("tokenId")));
    }

    public void unassignUser(Context ctx) {
        assignment(ctx, app -> apps.unassignUser(console.event(ctx), app.id(), ctx.pathParam("userId")));
    }

    private void assignment(Context ctx, java.util.function.Consumer<App> change) {
        App app = apps.get(ctx.pathParam("id"));
        try {
            change.accept(app);
            Console.seeOther(ctx, path(app) + "?tab=assignments&notice=assignments");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, app, "assignments", null, null, null, Console.messages(e));
        }
    }

    /** The trusted origins named by id in the wizard's redirect (only real ones are shown: the ids come from the URL). */
    private List<TrustedOrigin> origins(List<String> ids) {
        List<TrustedOrigin> out = new ArrayList<>();
        for (String id : ids) {
            try {
                out.add(trustedOrigins.get(id));
            } catch (ApiError gone) {
                // deleted since: nothing to show
            }
        }
        return out;
    }

    /** What the wizard did with the Base URIs, in a sentence or two appended to "App integration created." */
    private static String originsNotice(List<TrustedOrigin> created, List<TrustedOrigin> existing) {
        String out = "";
        if (!created.isEmpty()) {
            out += " Trusted origins created (CORS and Redirect): "
                    + String.join(", ", created.stream().map(TrustedOrigin::origin).toList()) + ".";
        }
        if (!existing.isEmpty()) {
            out += " Already trusted origins, left as they were: " + String.join(", ", existing.stream().map(TrustedOrigin::origin).toList()) + ".";
        }
        return out;
    }

    private void renderForm(Context ctx, ApplicationType at, String label, List<String> grants, List<String> redirects,
                            List<String> signOut, String assignment, List<String> groupIds, List<String> errors, List<String> baseUris,
                            Entry entry) {
        console.render(ctx, "apps/settings.jte", new AppFormPage(console.frame(ctx, Nav.APPLICATIONS), at.wire(), typeName(at), label,
                grantChoices(at, grants), redirects, signOut, assignment, groups.list(null, null, null, 200).stream()
                .filter(g -> !g.builtIn()).toList(), groupIds, errors, baseUris, entry));
    }

    private void render(Context ctx, App app, String tab, EditForm edit, String newSecret, String notice, List<String> errors) {
        String defaultIssuer = baseUrl + "/oauth2/default";
        String config = """
                import { OktaAuth } from '@okta/okta-auth-js';

                const oktaAuth = new OktaAuth({
                  issuer: '%s',
                  clientId: '%s',
                  redirectUri: '%s',
                  scopes: ['openid', 'profile', 'email', 'offline_access'],
                });""".formatted(defaultIssuer, app.clientId(),
                app.settings().redirectUris().isEmpty() ? "window.location.origin + '/login/callback'" : app.settings().redirectUris().getFirst());
        console.render(ctx, "apps/app.jte", new AppPage(console.frame(ctx, Nav.APPLICATIONS), app, tab, edit, newSecret,
                apps.assignments(app.id()), groups.list(null, null, null, 200), baseUrl, defaultIssuer, config, notice, errors,
                "assignments".equals(tab) ? tokens.active(app.id()) : List.of(), "sign-on".equals(tab) ? signOnPolicy.apply(app.id()) : null));
    }

    /** The grant types an admin may pick for this type of app, in Okta's order and wording. */
    private List<GrantChoice> grantChoices(ApplicationType type, List<String> checked) {
        boolean gated = type == ApplicationType.BROWSER && !spaRefreshTokens.getAsBoolean();
        List<GrantChoice> out = new ArrayList<>();
        for (GrantType g : GrantType.values()) {
            if (AppRules.ALLOWED_GRANTS.get(type).contains(g)) {
                out.add(new GrantChoice(g.wire(), grantName(g), checked.contains(g.wire()), gated && g == GrantType.REFRESH_TOKEN));
            }
        }
        return out;
    }

    public static String grantName(GrantType g) {
        return g.label();
    }

    /** The platform as the guide names it (Okta's classic console), e.g. in the list's Type column. */
    public static String platformName(ApplicationType t) {
        return switch (t) {
            case BROWSER -> "Single-Page App (SPA)";
            case WEB -> "Web";
            case NATIVE -> "Native app";
            case SERVICE -> "API Services";
        };
    }

    /** The application type as Okta's newer console names it. */
    public static String applicationTypeName(ApplicationType t) {
        return switch (t) {
            case BROWSER -> "Single-Page Application";
            case WEB -> "Web Application";
            case NATIVE -> "Native Application";
            case SERVICE -> "API Services";
        };
    }

    /** The short name in the wizard's heading and default label: "New Single-Page App Integration", "My Web App". */
    public static String typeName(ApplicationType t) {
        return switch (t) {
            case BROWSER -> "Single-Page";
            case WEB -> "Web";
            case NATIVE -> "Native";
            case SERVICE -> "API Services";
        };
    }

    private static Optional<ApplicationType> type(String wire) {
        return Arrays.stream(ApplicationType.values()).filter(t -> t.wire().equals(wire)).findFirst();
    }

    private static String notice(String code) {
        return switch (String.valueOf(code)) {
            case "created" -> "App integration created.";
            case "saved" -> "Settings saved.";
            case "activated" -> "App activated.";
            case "deactivated" -> "App deactivated. People can no longer sign in to it.";
            case "assignments" -> "Assignments saved.";
            case "sign-on-policy" -> "App sign-in policy saved.";
            default -> null;
        };
    }

    private static String path(App app) {
        return Nav.APPLICATIONS.path() + "/" + app.id();
    }

    private static List<String> nonBlank(List<String> values) {
        return values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
