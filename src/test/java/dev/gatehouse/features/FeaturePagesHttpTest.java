package dev.gatehouse.features;

import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settings › Features reached from an app's General Settings keeps {@code returnTo} through the toggle and links back;
 * any {@code returnTo} that is not an app's edit page is ignored, so the link never leads off the console.
 */
class FeaturePagesHttpTest {

    static final String APP_EDIT = "/admin/apps/0oaAbCdEfGhIjKlMnOpQ/edit";
    static final String BACK_LINK = "Back to the app's General Settings";

    static TestServer server;
    static Browser admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2, "--features", "");
        admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @org.junit.jupiter.api.Test
    void anAppsEditPageIsKeptThroughTheToggleAndLinkedBackTo() {
        Http.Response page = admin.get("/admin/settings/features?returnTo=" + APP_EDIT);
        assertThat(page.body()).contains("href=\"" + APP_EDIT + "\"").contains(BACK_LINK);

        Http.Response toggled = admin.post("/admin/settings/features/" + featureId(page), "csrf", Browser.csrf(page), "action", "enable",
                "returnTo", APP_EDIT);
        assertThat(toggled.status()).isEqualTo(303);
        assertThat(toggled.header("Location")).isEqualTo("/admin/settings/features?notice=enabled&returnTo=" + APP_EDIT);
        Http.Response after = admin.get(toggled.header("Location"));
        assertThat(after.body()).contains("Feature enabled.").contains("href=\"" + APP_EDIT + "\"");

        Http.Response back = admin.post("/admin/settings/features/" + featureId(after), "csrf", Browser.csrf(after), "action", "disable",
                "returnTo", APP_EDIT);
        assertThat(back.header("Location")).isEqualTo("/admin/settings/features?notice=disabled&returnTo=" + APP_EDIT);
    }

    @org.junit.jupiter.api.Test
    void theNewSinglePageAppFormIsKeptThroughTheToggleWithItsQueryEncoded() {
        String form = "/admin/apps/new/settings?method=oidc&type=browser&from=create-app-integration";
        String encoded = "/admin/apps/new/settings%3Fmethod%3Doidc%26type%3Dbrowser%26from%3Dcreate-app-integration";
        Http.Response page = admin.get("/admin/settings/features?returnTo=" + encoded);
        assertThat(page.body()).contains("href=\"" + form.replace("&", "&amp;") + "\"").contains("Back to the new app integration");

        Http.Response toggled = admin.post("/admin/settings/features/" + featureId(page), "csrf", Browser.csrf(page), "action", "enable",
                "returnTo", form);
        assertThat(toggled.header("Location")).isEqualTo("/admin/settings/features?notice=enabled&returnTo=" + encoded);
        Http.Response after = admin.get(toggled.header("Location"));
        assertThat(after.body()).contains("Feature enabled.").contains("href=\"" + form.replace("&", "&amp;") + "\"");
        admin.post("/admin/settings/features/" + featureId(after), "csrf", Browser.csrf(after), "action", "disable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/admin/apps/0oaAbCdEfGhIjKlMnOpQ/edit", "//evil.example", "/admin/people",
            "/admin/apps/0oaAbCdEfGhIjKlMnOpQ/edit/../../../people", "/admin/apps/0oaAbCdEfGhIjKlMnOpQ/edit?x=1", "javascript:alert(1)",
            "/admin/apps/new/settings?method=oidc&type=web&from=create-new-app",
            "/admin/apps/new/settings?method=oidc&type=browser&from=create-new-app&x=https://evil.example",
            "https://evil.example/admin/apps/new/settings?method=oidc&type=browser&from=create-new-app"})
    void anyOtherReturnToIsIgnored(String returnTo) {
        Http.Response page = admin.get("/admin/settings/features?returnTo=" + java.net.URLEncoder.encode(returnTo, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).doesNotContain(BACK_LINK).doesNotContain("Back to the new app integration").doesNotContain("name=\"returnTo\"");

        Http.Response toggled = admin.post("/admin/settings/features/" + featureId(page), "csrf", Browser.csrf(page), "action", "disable",
                "returnTo", returnTo);
        assertThat(toggled.status()).isEqualTo(303);
        assertThat(toggled.header("Location")).isEqualTo("/admin/settings/features?notice=disabled");
    }

    private static String featureId(Http.Response page) {
        Matcher m = Pattern.compile("action=\"/admin/settings/features/(ftr[A-Za-z0-9]{17})\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }
}
