package dev.gatehouse.demo;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.apps.App;
import dev.gatehouse.config.DataDirectory;
import dev.gatehouse.apps.AppRequest;
import dev.gatehouse.apps.AppSettings.ApplicationType;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.directory.Users;
import dev.gatehouse.features.Feature;
import dev.gatehouse.features.FeatureState;
import dev.gatehouse.features.Features;
import dev.gatehouse.origins.Origin;
import dev.gatehouse.origins.TrustedOrigins;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code gatehouse demo} puts in the org, idempotently: a demo user to sign in to the sample SPA with,
 * and (with {@code --seed-app}) the Single-Page App integration Okta's guide has the admin create. The app is
 * made by the same calls, in the same order, as the console's Add Application wizard followed by its
 * General Settings edit ({@link TrustedOrigins#checkBaseUris}, {@link Apps#create}, {@link TrustedOrigins#ensureForBaseUris}),
 * after enabling the Early Access feature as Settings › Features does; so a seeded app is the app the guide makes.
 *
 * <p>Running it again changes nothing: an existing demo user keeps its password, an app with the demo label and
 * the SPA's Login redirect URI is reused as it is (whatever an admin changed in it since), an origin already
 * trusted is left alone, and an enabled feature stays enabled.
 */
public final class DemoSeed {

    public static final String DEMO_LOGIN = "demo@example.com";
    /** The app name the printed guide asks the admin to type, and the label of a seeded app. */
    public static final String APP_LABEL = "My SPA";
    static final String PASSWORD_FILE = "demo-user-password";

    /** The demo user; {@code newPassword} only on the run that created it (the password is shown once). */
    public record DemoUser(String login, Optional<String> newPassword, Path passwordFile) {
        public boolean created() {
            return newPassword.isPresent();
        }

        @Override
        public String toString() {
            return "DemoUser[login=" + login + ", created=" + created() + "]";
        }
    }

    /** The sample SPA's app integration, and whether this run created it. */
    public record DemoApp(App app, boolean created) {
    }

    /** The values the guide has the admin type for an SPA served at {@code origin}. */
    public record SpaUris(String redirectUri, String signOutRedirectUri, String baseUri) {
        public static SpaUris of(Origin origin) {
            String base = origin.toString();
            return new SpaUris(base + "/login/callback", base, base);
        }
    }

    private static final EventContext EVENT = EventContext.system("gatehouse demo");

    private final Users users;
    private final Apps apps;
    private final TrustedOrigins trustedOrigins;
    private final Features features;
    private final Ids ids;
    private final Path dataDir;

    public DemoSeed(Users users, Apps apps, TrustedOrigins trustedOrigins, Features features, Ids ids, Path dataDir) {
        this.users = users;
        this.apps = apps;
        this.trustedOrigins = trustedOrigins;
        this.features = features;
        this.ids = ids;
        this.dataDir = dataDir;
    }

    /** Creates {@value #DEMO_LOGIN} (active, in Everyone) with a generated password, unless that login exists. */
    public DemoUser ensureDemoUser() {
        Path file = dataDir.resolve(PASSWORD_FILE);
        if (users.find(DEMO_LOGIN).isPresent()) {
            return new DemoUser(DEMO_LOGIN, Optional.empty(), file);
        }
        String password = users.passwordPolicy().firstAcceptable(this::password, DEMO_LOGIN);
        try {
            users.create(EVENT, new Users.NewUser(Map.of("login", DEMO_LOGIN, "email", DEMO_LOGIN, "firstName", "Demo", "lastName", "User"),
                    password, true, List.of()));
        } catch (ApiError e) {
            if (users.find(DEMO_LOGIN).isPresent()) { // created meanwhile by another node starting the demo
                return new DemoUser(DEMO_LOGIN, Optional.empty(), file);
            }
            throw e;
        }
        writeOwnerOnly(file, password);
        return new DemoUser(DEMO_LOGIN, Optional.of(password), file);
    }

    /**
     * The guide's app for an SPA at {@code spaOrigin}: Single-Page, Authorization Code + Refresh Token rotating with a
     * 30 s grace period, sign-in redirect {@code <origin>/login/callback}, sign-out redirect and trusted origin
     * {@code <origin>}, assigned to Everyone; enables Refresh Token Rotation for SPA first.
     */
    public DemoApp ensureApp(Origin spaOrigin) {
        enableRefreshTokenRotationForSpa();
        SpaUris uris = SpaUris.of(spaOrigin);
        List<Origin> baseUris = trustedOrigins.checkBaseUris(List.of(uris.baseUri()));
        Optional<App> existing = apps.list(APP_LABEL, null, null, 200).stream()
                .filter(a -> a.label().equals(APP_LABEL) && a.hasRedirectUri(uris.redirectUri())).findFirst();
        DemoApp out;
        if (existing.isPresent()) {
            out = new DemoApp(existing.get(), false);
        } else {
            AppRequest request = AppRequest.builder(APP_LABEL, ApplicationType.BROWSER.wire())
                    .grantTypes(List.of(GrantType.AUTHORIZATION_CODE.wire(), GrantType.REFRESH_TOKEN.wire()))
                    .redirectUris(List.of(uris.redirectUri()))
                    .postLogoutRedirectUris(List.of(uris.signOutRedirectUri()))
                    .refreshTokenRotation("ROTATE").refreshTokenLeeway(30)
                    .implicitAssignment(true)
                    .build();
            out = new DemoApp(apps.create(EVENT, request).app(), true);
        }
        trustedOrigins.ensureForBaseUris(EVENT, baseUris);
        return out;
    }

    private void enableRefreshTokenRotationForSpa() {
        FeatureState state = features.list().stream().filter(s -> s.feature() == Feature.REFRESH_TOKEN_ROTATION_FOR_SPA).findFirst()
                .orElseThrow();
        if (!state.enabled()) {
            features.enable(EVENT, state.id(), false);
        }
    }

    /** Like the first admin's: 20 base62 characters in groups of five (about 119 bits). */
    private String password() {
        String base = ids.base62(20);
        return base.substring(0, 5) + "-" + base.substring(5, 10) + "-" + base.substring(10, 15) + "-" + base.substring(15);
    }

    private static void writeOwnerOnly(Path file, String password) {
        try {
            DataDirectory.ensure(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + System.lineSeparator(), StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
