package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.directory.Users.Authentication;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.gatehouse.directory.DirectoryClient.PASSWORD;
import static dev.gatehouse.directory.DirectoryClient.unique;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Users#authenticate}: lockout, statuses, rehashing, and the admin's password reset, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class PasswordSignInTest {

    private static final EventContext SIGN_IN = EventContext.system("sign-in test");
    /** For a second Users that only signs people in: it never changes a user's standing, so it never ends anything. */
    private static final AccessRevocation ONLY_SIGNS_IN = new AccessRevocation() {
        @Override
        public int endSessions(org.jdbi.v3.core.Handle h, EventContext ctx, User user, String keepSessionId, String cause) {
            throw new UnsupportedOperationException("this Users only signs in");
        }

        @Override
        public void revokeTokens(org.jdbi.v3.core.Handle h, EventContext ctx, User user, String cause, boolean asked) {
            throw new UnsupportedOperationException("this Users only signs in");
        }
    };

    @Parameter
    TestDatabase database;

    static TestServer server;
    static DirectoryClient api;
    static Users users;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new DirectoryClient(server);
        users = server.wiring().users;
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String newUser() {
        String login = unique("signin") + "@example.com";
        api.createUser(login);
        return login;
    }

    private static String hashOf(String login) {
        return server.wiring().db.read(h -> h.createQuery("SELECT password_hash FROM users WHERE login_key = :k")
                .bind("k", login.toLowerCase(Locale.ROOT)).mapTo(String.class).one());
    }

    private static int failures(String login) {
        return server.wiring().db.read(h -> h.createQuery("SELECT failed_sign_ins FROM users WHERE login_key = :k")
                .bind("k", login.toLowerCase(Locale.ROOT)).mapTo(Integer.class).one());
    }

    @Test
    void rightPasswordAuthenticatesInAnyCaseOfTheLoginAndStampsLastLogin() {
        String login = newUser();
        Authentication a = users.authenticate(SIGN_IN, login.toUpperCase(Locale.ROOT), PASSWORD);
        assertThat(a.succeeded()).isTrue();
        assertThat(a.failureReason()).isNull();
        assertThat(a.user().orElseThrow().profile().login()).isEqualTo(login);
        assertThat(a.user().orElseThrow().lastLogin()).isNotNull();
        assertThat(api.get("/api/v1/users/" + a.user().get().id()).json().get("lastLogin").isNull()).isFalse();
    }

    @Test
    void wrongPasswordAndUnknownLoginFailWithoutAUser() {
        String login = newUser();
        Authentication wrong = users.authenticate(SIGN_IN, login, PASSWORD + "x");
        assertThat(wrong.user()).isEmpty();
        assertThat(wrong.failureReason()).isEqualTo(Authentication.INVALID_CREDENTIALS);
        Authentication unknown = users.authenticate(SIGN_IN, "nobody-" + login, PASSWORD);
        assertThat(unknown.user()).isEmpty();
        assertThat(unknown.failureReason()).isEqualTo(Authentication.UNKNOWN_USER);
        assertThat(users.authenticate(SIGN_IN, null, null).user()).isEmpty();
        assertThat(users.authenticate(SIGN_IN, login, "").user()).isEmpty();
    }

    @Test
    void tenWrongPasswordsLockTheAccountUntilAnAdminUnlocksIt() {
        String login = newUser();
        String id = users.get(login).id();
        long locks = api.events("user.account.lock");
        for (int i = 1; i <= 9; i++) {
            assertThat(users.authenticate(SIGN_IN, login, "wrong-" + i).failureReason()).isEqualTo(Authentication.INVALID_CREDENTIALS);
        }
        assertThat(api.status(id)).isEqualTo("ACTIVE");
        Authentication tenth = users.authenticate(SIGN_IN, login, "wrong-10");
        assertThat(tenth.user()).isEmpty();
        assertThat(tenth.failureReason()).isEqualTo(Authentication.LOCKED_OUT);
        assertThat(api.status(id)).isEqualTo("LOCKED_OUT");
        assertThat(api.events("user.account.lock")).isEqualTo(locks + 1);
        assertThat(api.get("/api/v1/users/" + id).json().get("_links").has("unlock")).isTrue();

        Authentication eleventh = users.authenticate(SIGN_IN, login, PASSWORD);
        assertThat(eleventh.user()).as("the right password does not open a locked account").isEmpty();
        assertThat(api.events("user.account.lock")).isEqualTo(locks + 1);

        long unlocks = api.events("user.account.unlock");
        Http.Response unlock = api.post("/api/v1/users/" + id + "/lifecycle/unlock", null);
        assertThat(unlock.status()).as(unlock.body()).isEqualTo(200);
        assertThat(api.status(id)).isEqualTo("ACTIVE");
        assertThat(failures(login)).isZero();
        assertThat(api.events("user.account.unlock")).isEqualTo(unlocks + 1);
        assertThat(users.authenticate(SIGN_IN, login, PASSWORD).succeeded()).isTrue();
    }

    @Test
    void successResetsTheFailureCount() {
        String login = newUser();
        for (int i = 0; i < 9; i++) {
            users.authenticate(SIGN_IN, login, "wrong");
        }
        assertThat(failures(login)).isEqualTo(9);
        assertThat(users.authenticate(SIGN_IN, login, PASSWORD).succeeded()).isTrue();
        assertThat(failures(login)).isZero();
        for (int i = 0; i < 9; i++) {
            users.authenticate(SIGN_IN, login, "wrong");
        }
        assertThat(users.get(login).status()).isEqualTo(User.Status.ACTIVE);
    }

    @Test
    void concurrentFailuresLockTheAccountExactlyOnce() throws Exception {
        String login = newUser();
        long locks = api.events("user.account.lock");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Authentication>> attempts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                attempts.add(pool.submit((Callable<Authentication>) () -> users.authenticate(SIGN_IN, login, "wrong")));
            }
            for (Future<Authentication> f : attempts) {
                assertThat(f.get().user()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(users.get(login).status()).isEqualTo(User.Status.LOCKED_OUT);
        assertThat(failures(login)).isEqualTo(10);
        assertThat(api.events("user.account.lock")).isEqualTo(locks + 1);
    }

    @ParameterizedTest
    @CsvSource({"suspend", "deactivate", "staged"})
    void usersWhoAreNotActiveNeverAuthenticate(String how) {
        String login = unique("inactive") + "@example.com";
        String id = api.createUser(login, "In", "Active", !how.equals("staged")).get("id").asText();
        if (!how.equals("staged")) {
            api.post("/api/v1/users/" + id + "/lifecycle/" + how, null);
        }
        Authentication a = users.authenticate(SIGN_IN, login, PASSWORD);
        assertThat(a.user()).isEmpty();
        assertThat(a.failureReason()).isEqualTo(Authentication.USER_NOT_ACTIVE);
        assertThat(failures(login)).as("attempts on inactive users are not counted").isZero();
    }

    @Test
    void hashesMadeWithOtherParametersAreReplacedOnSignIn() {
        String login = newUser();
        String original = hashOf(login);
        assertThat(original).contains("m=19456,t=2,p=1");
        PasswordHasher cheaper = new PasswordHasher(new PasswordHasher.Params(8_192, 1, 1), new SecureRandom());
        Users withOtherParams = new Users(server.wiring().db, new UserStore(), new GroupStore(), cheaper,
                new SystemLog(server.clock, new dev.gatehouse.syslog.SignInProblemStore()), new Ids(new SecureRandom()), server.clock, ONLY_SIGNS_IN);

        assertThat(withOtherParams.authenticate(SIGN_IN, login, "wrong").succeeded()).isFalse();
        assertThat(hashOf(login)).as("a failed sign-in never rehashes").isEqualTo(original);
        assertThat(withOtherParams.authenticate(SIGN_IN, login, PASSWORD).succeeded()).isTrue();
        assertThat(hashOf(login)).contains("m=8192,t=1,p=1");
        assertThat(withOtherParams.authenticate(SIGN_IN, login, PASSWORD).succeeded()).isTrue();
        assertThat(users.authenticate(SIGN_IN, login, PASSWORD).succeeded()).as("the default parameters read the new hash").isTrue();
        assertThat(hashOf(login)).contains("m=19456,t=2,p=1").isNotEqualTo(original);
    }

    @Test
    void adminPasswordResetFollowsThePolicyAndIsLogged() {
        String login = newUser();
        String id = users.get(login).id();
        long resets = api.events("user.account.reset_password");
        assertThatThrownBy(() -> users.setPassword(SIGN_IN, id, "short"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.causes()).extracting(ApiError.Cause::summary)
                        .containsExactly("password: Password requirements were not met. Password requirements: at least 8 characters, "
                                + "a lowercase letter, an uppercase letter, a number, no parts of your username."));
        assertThatThrownBy(() -> users.setPassword(SIGN_IN, id, login.toUpperCase(Locale.ROOT))).isInstanceOf(ApiError.class);
        assertThatThrownBy(() -> users.setPassword(SIGN_IN, id, "x".repeat(257))).isInstanceOf(ApiError.class);
        assertThat(api.events("user.account.reset_password")).isEqualTo(resets);

        users.setPassword(SIGN_IN, id, "Reset-by-the-admin-7");
        assertThat(api.events("user.account.reset_password")).isEqualTo(resets + 1);
        assertThat(users.authenticate(SIGN_IN, login, PASSWORD).succeeded()).isFalse();
        assertThat(users.authenticate(SIGN_IN, login, "Reset-by-the-admin-7").succeeded()).isTrue();
    }

    @Test
    void settingAPasswordActivatesAProvisionedUser() {
        String login = unique("provisioned") + "@example.com";
        Http.Response created = api.post("/api/v1/users", DirectoryClient.userBody(login, "Pro", "Visioned", null));
        String id = created.json().get("id").asText();
        assertThat(created.json().get("status").asText()).isEqualTo("PROVISIONED");
        assertThat(users.authenticate(SIGN_IN, login, PASSWORD).user()).isEmpty();
        users.setPassword(SIGN_IN, id, PASSWORD);
        assertThat(api.status(id)).isEqualTo("ACTIVE");
        assertThat(users.authenticate(SIGN_IN, login, PASSWORD).succeeded()).isTrue();
    }

    @Test
    void unlockOfAUserWhoIsNotLockedIsRefused() {
        String id = users.get(newUser()).id();
        assertOktaError(api.post("/api/v1/users/" + id + "/lifecycle/unlock", null), 400, "E0000001");
    }
}
