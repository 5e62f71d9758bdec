package dev.gatehouse.demo;

import dev.gatehouse.apps.App;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What {@code gatehouse demo} prints after the startup banner: the demo user, then Okta's SPA guide as numbered
 * steps with the exact values to type in this console (or, after {@code --seed-app}, the ready-to-open SPA URL).
 *
 * <p>The sample SPA learns the client ID (and the issuer, when it is not the {@code ./gatehouse serve} default)
 * from its query string, {@code /?clientId=…&issuer=…}, and remembers them for the tab; {@code samples/spa/config.js}
 * holds the defaults. The demo never edits that file, so the working tree stays clean.
 */
public final class DemoGuide {

    /** The issuer in samples/spa/config.js: when the demo's is this one, the SPA URL needs no {@code issuer=}. */
    static final String SAMPLE_DEFAULT_ISSUER = "http://localhost:9000/oauth2/default";

    /** Everything the steps mention. */
    public record Values(String consoleUrl, String adminLogin, String issuer, String spaBase, DemoSeed.SpaUris uris,
                         DemoSeed.DemoUser user, Optional<App> seededApp) {
    }

    private DemoGuide() {
    }

    /**
     * The URL that opens the sample SPA for this client (and issuer, when not the sample's default). {@code :} and
     * {@code /} stay as they are in the issuer, as a query value allows (RFC 3986 §3.4), so people can read it.
     */
    public static String spaUrl(String spaBase, String clientId, String issuer) {
        return spaBase + "/?clientId=" + enc(clientId)
                + (SAMPLE_DEFAULT_ISSUER.equals(issuer) ? "" : "&issuer=" + enc(issuer).replace("%3A", ":").replace("%2F", "/"));
    }

    public static void print(PrintStream out, Values v) {
        out.println("Demo user (signs in to the sample SPA):");
        out.println("  login           " + v.user().login());
        v.user().newPassword().ifPresentOrElse(
                p -> out.println("  password        " + p + "   (shown once; also in " + v.user().passwordFile().toAbsolutePath() + ", mode 0600)"),
                () -> out.println("  password        in " + v.user().passwordFile().toAbsolutePath()
                        + " (written when the demo user was created)"));
        out.println("Sample SPA        " + v.spaBase() + "   (samples/spa: Okta's okta-auth-js, unchanged)");
        out.println();
        if (v.seededApp().isPresent()) {
            printSeeded(out, v, v.seededApp().get());
        } else {
            printSteps(out, v);
        }
        out.println();
        out.println("Ctrl-C stops Gatehouse and the sample SPA.");
        out.flush();
    }

    private static void printSeeded(PrintStream out, Values v, App app) {
        out.println("--seed-app: the app integration '" + app.label() + "' is ready (client ID " + app.clientId() + "):");
        out.println("  Single-Page App (SPA), Authorization Code + Refresh Token (rotate after every use, grace period 30 s),");
        out.println("  Login redirect URI " + v.uris().redirectUri() + ", Logout redirect URI " + v.uris().signOutRedirectUri() + ",");
        out.println("  trusted origin " + v.uris().baseUri() + " (CORS and Redirect), assigned to Everyone; Refresh Token Rotation for SPA is enabled.");
        out.println();
        out.println("Open the sample SPA, click Sign in, and sign in as " + v.user().login() + ":");
        out.println();
        out.println("    " + spaUrl(v.spaBase(), app.clientId(), v.issuer()));
        out.println();
        out.println("The app is in the Admin Console (" + v.consoleUrl() + ", " + v.adminLogin() + ") under Applications › " + app.label() + ".");
    }

    /**
     * The guide's steps (shared/docs/GUIDE.md, Okta's "Create an Okta app integration") in its own words, numbered as
     * there, with what to type in this run: the guide's sentences are quoted, Gatehouse's additions (values, the
     * fields the guide leaves at their defaults, the sample SPA) follow them on indented lines.
     */
    private static void printSteps(PrintStream out, Values v) {
        DemoSeed.SpaUris u = v.uris();
        boolean prefilled = u.baseUri().equals("http://localhost:8080");
        String keep = prefilled ? "   (prefilled: keep it)" : "   (replace the prefilled http://localhost:8080 value)";
        out.println("Now follow Okta's SPA guide, \"Create an Okta app integration\", word for word in Gatehouse's Admin Console:");
        out.println();
        out.println("  1. Sign in to your Okta organization with your administrator account: open " + v.consoleUrl());
        out.println("     and sign in as " + v.adminLogin() + " (the admin password is above, or in the data directory's");
        out.println("     initial-admin-password file).");
        out.println("  2. From the Admin Console side navigation, click Applications > Applications.");
        out.println("  3. Click Add Application and click Create New App.");
        out.println("  4. Pick Single-Page App (SPA) as the platform and click Create.");
        out.println("     Note: It is important to choose the appropriate application type for apps which are public clients:");
        out.println("     a single-page app cannot keep a client secret, so created as Web its sign-in would fail.");
        out.println("  5. Enter a name for your app integration (or leave the default value):  " + DemoSeed.APP_LABEL);
        out.println("  6. Enter values for the Login redirect URI:  " + u.redirectUri() + keep);
        out.println("     For production, click + Add URI and add e.g. https://app.example.com/login/callback.");
        out.println("     Logout redirect URIs:         " + u.signOutRedirectUri() + keep);
        out.println("     Trusted Origins › Base URIs:  " + u.baseUri() + keep);
        out.println("     Assignments:                  Allow everyone in your organization to access   (the default)");
        out.println("  7. Click Save to finish creating the Okta app integration. The General tab shows the Client ID.");
        out.println("  8. On the General settings tab, scroll to General Settings and click Edit.");
        out.println("  9. In the Allowed grant types, make sure that Authorization Code and Refresh Token are selected.");
        out.println("     Refresh token rotation for SPA is an EA (Early Access) feature: enable it in the Settings > Features");
        out.println("     page (Refresh Token's link \"enable it in Settings › Features\" goes there and comes back here).");
        out.println("     Refresh Token: Rotate token after every use. Grace period for token rotation: 30 seconds. Click Save.");
        out.println(" 10. Enable Trusted Origins: Security > API > Trusted Origins lists " + u.baseUri() + " with CORS");
        out.println("     (made from the Base URI in step 6).");
        out.println(" 11. Open the sample SPA with your Client ID (it reads clientId from the query string):");
        out.println();
        out.println("       " + spaUrl(v.spaBase(), "<Client ID>", v.issuer()).replace(enc("<Client ID>"), "<Client ID>"));
        out.println();
        out.println("     Click Sign in and sign in as " + v.user().login() + ". The profile shows the ID token's claims and");
        out.println("     /userinfo; Renew now rotates the refresh token; Sign out ends the session.");
        out.println();
        out.println("Following Okta's newer console instead? Steps 3-6 there are Create App Integration, OIDC - OpenID Connect,");
        out.println("Single-Page Application, Next, Sign-in redirect URIs: Gatehouse's console answers to both wordings.");
        out.println("In a hurry? Stop this (Ctrl-C) and run './gatehouse demo --seed-app': it creates the app as above.");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
