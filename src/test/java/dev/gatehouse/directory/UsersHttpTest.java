package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.gatehouse.directory.DirectoryClient.enc;
import static dev.gatehouse.directory.DirectoryClient.firstCause;
import static dev.gatehouse.directory.DirectoryClient.unique;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/users}: Okta's user JSON, validation, lifecycle, listing and deletion, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class UsersHttpTest {

    private static final String OKTA_DATE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static DirectoryClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new DirectoryClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String login() {
        return unique("user") + "@example.com";
    }

    @Test
    void createdUserHasOktasShapeAndNeverEchoesThePassword() {
        long creates = api.events("user.lifecycle.create");
        long activates = api.events("user.lifecycle.activate");
        String login = login();
        Http.Response r = api.post("/api/v1/users", DirectoryClient.userBody(login, "Ada", "Lovelace", DirectoryClient.PASSWORD));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode u = r.json();
        assertThat(u.get("id").asText()).matches("00u[A-Za-z0-9]{17}");
        assertThat(u.get("status").asText()).isEqualTo("ACTIVE");
        for (String date : List.of("created", "activated", "statusChanged", "lastUpdated", "passwordChanged")) {
            assertThat(u.get(date).asText()).as(date).matches(OKTA_DATE);
        }
        assertThat(u.get("lastLogin").isNull()).isTrue();
        JsonNode p = u.get("profile");
        assertThat(p.get("login").asText()).isEqualTo(login);
        assertThat(p.get("email").asText()).isEqualTo(login);
        assertThat(p.get("firstName").asText()).isEqualTo("Ada");
        assertThat(p.get("lastName").asText()).isEqualTo("Lovelace");
        assertThat(p.has("mobilePhone")).isTrue();
        assertThat(u.get("credentials").get("password").isObject()).isTrue();
        assertThat(u.get("credentials").get("password").size()).isZero();
        assertThat(u.get("credentials").get("provider").get("type").asText()).isEqualTo("OKTA");
        assertThat(u.get("credentials").get("provider").get("name").asText()).isEqualTo("OKTA");
        assertThat(r.body()).doesNotContain(DirectoryClient.PASSWORD).doesNotContain("argon2");
        JsonNode links = u.get("_links");
        assertThat(links.get("self").get("href").asText()).isEqualTo(server.wiring().config.baseUrl() + "/api/v1/users/" + u.get("id").asText());
        assertThat(links.get("suspend").get("method").asText()).isEqualTo("POST");
        assertThat(links.get("deactivate").get("href").asText()).endsWith("/lifecycle/deactivate");
        assertThat(links.has("activate")).isFalse();
        assertThat(links.has("unlock")).isFalse();
        assertThat(api.events("user.lifecycle.create")).isEqualTo(creates + 1);
        assertThat(api.events("user.lifecycle.activate")).isEqualTo(activates + 1);
    }

    @Test
    void activateFalseCreatesAStagedUserAndNoPasswordMeansProvisioned() {
        JsonNode staged = api.createUser(login(), "Stan", "Staged", false);
        assertThat(staged.get("status").asText()).isEqualTo("STAGED");
        assertThat(staged.get("activated").isNull()).isTrue();
        assertThat(staged.get("_links").has("activate")).isTrue();
        assertThat(staged.get("_links").has("suspend")).isFalse();

        String login = login();
        Http.Response r = api.post("/api/v1/users?activate=true", DirectoryClient.userBody(login, "Pro", "Visioned", null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("PROVISIONED");
        assertThat(r.json().get("credentials").has("password")).as("no password, so no password credential").isFalse();
        assertThat(r.json().get("passwordChanged").isNull()).isTrue();
    }

    @Test
    void extraProfileAttributesAreKept() {
        String login = login();
        String body = """
                {"profile":{"firstName":"Grace","lastName":"Hopper","email":"%s","login":"%s","nickName":"Amazing Grace",
                 "locale":"en_US","displayName":"RADM Hopper","mobilePhone":"+1 555 0100"}}""".formatted(login, login);
        JsonNode u = api.post("/api/v1/users", body).json();
        JsonNode p = api.get("/api/v1/users/" + u.get("id").asText()).json().get("profile");
        assertThat(p.get("nickName").asText()).isEqualTo("Amazing Grace");
        assertThat(p.get("locale").asText()).isEqualTo("en_US");
        assertThat(p.get("displayName").asText()).isEqualTo("RADM Hopper");
        assertThat(p.get("mobilePhone").asText()).isEqualTo("+1 555 0100");
    }

    @Test
    void duplicateLoginInAnyCaseIsRejectedAndChangesNothing() {
        String login = login();
        api.createUser(login);
        long users = api.users();
        long events = api.allEvents();
        Http.Response r = api.post("/api/v1/users", DirectoryClient.userBody(login.toUpperCase(Locale.ROOT), "Dup", "Licate", null));
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorSummary").asText()).isEqualTo("Api validation failed: login");
        assertThat(firstCause(r)).isEqualTo("login: An object with this field already exists in the current organization");
        assertThat(api.users()).isEqualTo(users);
        assertThat(api.allEvents()).isEqualTo(events);
    }

    @Test
    void concurrentCreatesOfOneLoginMakeOneUserAndDuplicateErrors() throws Exception {
        String login = login();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Http.Response>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String variant = i % 2 == 0 ? login : login.toUpperCase(Locale.ROOT);
                results.add(pool.submit((Callable<Http.Response>) () ->
                        api.post("/api/v1/users", DirectoryClient.userBody(variant, "Race", "Condition", DirectoryClient.PASSWORD))));
            }
            int created = 0;
            for (Future<Http.Response> f : results) {
                Http.Response r = f.get();
                if (r.status() == 200) {
                    created++;
                } else {
                    assertOktaError(r, 400, "E0000001");
                    assertThat(firstCause(r)).isEqualTo("login: An object with this field already exists in the current organization");
                }
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "missing first name | {\"profile\":{\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"}} | firstName: The field cannot be left blank",
            "blank last name | {\"profile\":{\"firstName\":\"F\",\"lastName\":\" \",\"email\":\"LOGIN\",\"login\":\"LOGIN\"}} | lastName: The field cannot be left blank",
            "invalid e-mail | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"not-an-email\",\"login\":\"LOGIN\"}} | email: Does not match required pattern",
            "login not an e-mail | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"just-a-name\"}} | login: Username must be in the form of an email address",
            "short password | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"},\"credentials\":{\"password\":{\"value\":\"short1\"}}} | password: Password requirements were not met. Password requirements: at least 8 characters",
            "password is the login | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"},\"credentials\":{\"password\":{\"value\":\"UPPERLOGIN\"}}} | password: Password requirements were not met.",
            "no upper-case letter | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"},\"credentials\":{\"password\":{\"value\":\"tr0ub4dor&3-horse\"}}} | password: Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.",
            "no number | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"},\"credentials\":{\"password\":{\"value\":\"Troubador-horse\"}}} | password: Password requirements were not met.",
            "a part of the login | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"},\"credentials\":{\"password\":{\"value\":\"My-Example-Pass-42\"}}} | password: Password requirements were not met.",
            "a common password | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"},\"credentials\":{\"password\":{\"value\":\"Password123!\"}}} | password: This password was found in a list of commonly used passwords. Please try another password.",
            "invisible character in the login | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"x\\u200BLOGIN\"}} | login: Username must not contain invisible, control or space characters (found U+200B)",
            "undefined attribute | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\",\"shoeSize\":\"44\"}} | shoeSize: Property is not defined in the profile",
            "number for a string | {\"profile\":{\"firstName\":7,\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"}} | firstName: Does not match required type: string",
            "unknown group | {\"profile\":{\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"LOGIN\",\"login\":\"LOGIN\"},\"groupIds\":[\"00gNoSuchGroup0000000\"]} | groupIds: Group not found: 00gNoSuchGroup0000000",
            "no profile | {} | login: The field cannot be left blank",
    })
    void invalidNewUserIsRejectedWithTheCauseAndChangesNothing(String name, String body, String cause) {
        String login = login();
        long users = api.users();
        long events = api.allEvents();
        Http.Response r = api.post("/api/v1/users", body.replace("UPPERLOGIN", login.toUpperCase(Locale.ROOT)).replace("LOGIN", login));
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorCauses")).extracting(c -> c.get("errorSummary").asText()).anySatisfy(s -> assertThat(s).startsWith(cause));
        assertThat(api.users()).isEqualTo(users);
        assertThat(api.allEvents()).isEqualTo(events);
        assertThat(api.get("/api/v1/users/" + enc(login)).status()).isEqualTo(404);
    }

    @Test
    void everyInvalidFieldGetsItsOwnCause() {
        Http.Response r = api.post("/api/v1/users", "{\"profile\":{\"email\":\"nope\"},\"credentials\":{\"password\":{\"value\":\"x\"}}}");
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorCauses")).extracting(c -> c.get("errorSummary").asText()).containsExactly(
                "login: The field cannot be left blank",
                "firstName: The field cannot be left blank",
                "lastName: The field cannot be left blank",
                "email: Does not match required pattern",
                "password: Password requirements were not met. Password requirements: at least 8 characters, "
                        + "a lowercase letter, an uppercase letter, a number, no parts of your username.");
    }

    @Test
    void malformedJsonIsE0000003AndChangesNothing() {
        long users = api.users();
        for (String body : new String[]{"{\"profile\": ", "[]", "not json"}) {
            assertOktaError(api.post("/api/v1/users", body), 400, "E0000003");
        }
        assertThat(api.users()).isEqualTo(users);
    }

    @Test
    void unknownUserIsE0000007Everywhere() {
        String id = "00uNoSuchUser0000000";
        Http.Response get = api.get("/api/v1/users/" + id);
        assertOktaError(get, 404, "E0000007");
        assertThat(get.json().get("errorSummary").asText()).isEqualTo("Not found: Resource not found: " + id + " (User)");
        assertOktaError(api.post("/api/v1/users/" + id, "{\"profile\":{\"nickName\":\"x\"}}"), 404, "E0000007");
        assertOktaError(api.put("/api/v1/users/" + id, DirectoryClient.userBody(login(), "A", "B", null)), 404, "E0000007");
        assertOktaError(api.delete("/api/v1/users/" + id), 404, "E0000007");
        assertOktaError(api.post("/api/v1/users/" + id + "/lifecycle/suspend", null), 404, "E0000007");
        assertOktaError(api.get("/api/v1/users/" + id + "/groups"), 404, "E0000007");
        assertOktaError(api.post("/api/v1/users/" + api.createUser(login()).get("id").asText() + "/lifecycle/explode", null), 404, "E0000007");
    }

    @Test
    void userIsFoundByIdByLoginInAnyCaseAndAsMe() {
        String login = login();
        String id = api.createUser(login).get("id").asText();
        assertThat(api.get("/api/v1/users/" + id).json().get("id").asText()).isEqualTo(id);
        assertThat(api.get("/api/v1/users/" + enc(login.toUpperCase(Locale.ROOT))).json().get("id").asText()).isEqualTo(id);
        JsonNode me = api.get("/api/v1/users/me").json();
        assertThat(me.get("profile").get("login").asText()).isEqualTo(TestServer.ADMIN);
    }

    @Test
    void qMatchesAPrefixOfNameEmailOrLoginAndHidesDeactivatedUsers() {
        String tag = unique("Qz");
        String byFirst = api.createUser(login(), tag + "First", "Smith", true).get("id").asText();
        String byLast = api.createUser(login(), "John", tag.toLowerCase(Locale.ROOT) + "last", true).get("id").asText();
        String byLogin = api.createUser(tag + "@example.com", "Jane", "Doe", true).get("id").asText();
        api.createUser(login(), "Not" + tag, "Other", true);
        Http.Response r = api.get("/api/v1/users?q=" + enc(tag));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).extracting(u -> u.get("id").asText()).containsExactlyInAnyOrder(byFirst, byLast, byLogin);

        api.post("/api/v1/users/" + byLast + "/lifecycle/deactivate", null);
        assertThat(api.get("/api/v1/users?q=" + enc(tag)).json()).extracting(u -> u.get("id").asText())
                .containsExactlyInAnyOrder(byFirst, byLogin);
    }

    @Test
    void filterAndSearchSelectByStatusProfileAndDates() {
        String tag = unique("Flt");
        String active = api.createUser(login(), tag, "Active", true).get("id").asText();
        String staged = api.createUser(login(), tag, "Staged", false).get("id").asText();
        String suspended = api.createUser(login(), tag, "Suspended", true).get("id").asText();
        api.post("/api/v1/users/" + suspended + "/lifecycle/suspend", null);

        String byName = "profile.firstName eq \"" + tag.toLowerCase(Locale.ROOT) + "\"";
        assertThat(ids("/api/v1/users?filter=" + enc(byName))).containsExactlyInAnyOrder(active, staged, suspended);
        assertThat(ids("/api/v1/users?filter=" + enc(byName + " and status eq \"STAGED\""))).containsExactly(staged);
        assertThat(ids("/api/v1/users?filter=" + enc(byName + " and (status eq \"SUSPENDED\" or profile.lastName eq \"Active\")")))
                .containsExactlyInAnyOrder(active, suspended);
        assertThat(ids("/api/v1/users?search=" + enc("profile.firstName sw \"" + tag + "\" and status ne \"ACTIVE\"")))
                .containsExactlyInAnyOrder(staged, suspended);
        assertThat(ids("/api/v1/users?search=" + enc("id eq \"" + active + "\""))).containsExactly(active);

        server.clock.advance(Duration.ofMinutes(5));
        String since = server.clock.instant().toString();
        server.clock.advance(Duration.ofSeconds(1));
        api.post("/api/v1/users/" + suspended + "/lifecycle/unsuspend", null);
        assertThat(ids("/api/v1/users?filter=" + enc(byName + " and lastUpdated gt \"" + since + "\""))).containsExactly(suspended);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "filter | status eq",
            "filter | profile.nickName eq \"x\"",
            "filter | lastUpdated gt \"yesterday\"",
            "filter | status eq 5",
            "search | (status eq \"ACTIVE\"",
    })
    void badFilterOrSearchIsAValidationErrorNamingTheParameter(String param, String expression) {
        Http.Response r = api.get("/api/v1/users?" + param + "=" + enc(expression));
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).startsWith(param + ": Invalid filter");
    }

    @Test
    void listingPagesWithLinkHeadersUntilNoNext() {
        String tag = unique("Pg");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(api.createUser(login(), tag, "Page" + i, false).get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String next = "/api/v1/users?limit=2&q=" + enc(tag);
        int pages = 0;
        while (next != null) {
            Http.Response r = api.get(next);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().size()).isLessThanOrEqualTo(2);
            r.json().forEach(u -> seen.add(u.get("id").asText()));
            next = DirectoryClient.nextLink(r);
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created.stream().sorted().toList());
        assertOktaError(api.get("/api/v1/users?limit=0"), 400, "E0000001");
    }

    @Test
    void deactivatedUsersAreListedOnlyWhenFilteredFor() {
        String id = api.createUser(login()).get("id").asText();
        api.post("/api/v1/users/" + id + "/lifecycle/deactivate", null);
        assertThat(allIds("/api/v1/users")).doesNotContain(id);
        assertThat(allIds("/api/v1/users?filter=" + enc("status eq \"DEPROVISIONED\""))).contains(id);
    }

    @Test
    void partialUpdateChangesOnlyTheGivenAttributes() {
        String login = login();
        JsonNode before = api.createUser(login);
        String id = before.get("id").asText();
        long events = api.events("user.account.update_profile");
        server.clock.advance(Duration.ofSeconds(1));
        Http.Response r = api.post("/api/v1/users/" + id, "{\"profile\":{\"firstName\":\"Augusta\",\"nickName\":\"Ada\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode p = r.json().get("profile");
        assertThat(p.get("firstName").asText()).isEqualTo("Augusta");
        assertThat(p.get("nickName").asText()).isEqualTo("Ada");
        assertThat(p.get("lastName").asText()).isEqualTo("Lovelace");
        assertThat(p.get("login").asText()).isEqualTo(login);
        assertThat(r.json().get("lastUpdated").asText()).isNotEqualTo(before.get("lastUpdated").asText());
        assertThat(r.json().get("passwordChanged").asText()).isEqualTo(before.get("passwordChanged").asText());
        assertThat(api.events("user.account.update_profile")).isEqualTo(events + 1);

        JsonNode cleared = api.post("/api/v1/users/" + id, "{\"profile\":{\"nickName\":null}}").json().get("profile");
        assertThat(cleared.has("nickName")).isFalse();
        assertThat(cleared.get("firstName").asText()).isEqualTo("Augusta");
    }

    @Test
    void concurrentPartialUpdatesOfDifferentAttributesAreAllKept() throws Exception {
        String id = api.createUser(login()).get("id").asText();
        List<String> attributes = List.of("nickName", "title", "department", "city", "division", "organization");
        ExecutorService pool = Executors.newFixedThreadPool(attributes.size());
        try {
            List<Future<Http.Response>> results = new ArrayList<>();
            for (String attribute : attributes) {
                results.add(pool.submit((Callable<Http.Response>) () ->
                        api.post("/api/v1/users/" + id, "{\"profile\":{\"" + attribute + "\":\"set-" + attribute + "\"}}")));
            }
            for (Future<Http.Response> f : results) {
                assertThat(f.get().status()).as(f.get().body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode p = api.get("/api/v1/users/" + id).json().get("profile");
        for (String attribute : attributes) {
            assertThat(p.get(attribute)).as(attribute).isNotNull();
            assertThat(p.get(attribute).asText()).isEqualTo("set-" + attribute);
        }
    }

    @Test
    void invalidPartialUpdateChangesNothing() {
        String login = login();
        String id = api.createUser(login).get("id").asText();
        String other = api.createUser(login()).get("profile").get("login").asText();
        long events = api.allEvents();
        assertThat(firstCause(api.post("/api/v1/users/" + id, "{\"profile\":{\"email\":\"broken\",\"firstName\":\"Changed\"}}")))
                .isEqualTo("email: Does not match required pattern");
        assertThat(firstCause(api.post("/api/v1/users/" + id, "{\"profile\":{\"firstName\":null}}")))
                .isEqualTo("firstName: The field cannot be left blank");
        assertThat(firstCause(api.post("/api/v1/users/" + id, "{\"profile\":{\"login\":\"" + other.toUpperCase(Locale.ROOT) + "\"}}")))
                .isEqualTo("login: An object with this field already exists in the current organization");
        assertThat(firstCause(api.post("/api/v1/users/" + id, "{\"credentials\":{\"password\":{\"value\":\"" + login + "\"}}}")))
                .startsWith("password: Password requirements were not met.");
        JsonNode p = api.get("/api/v1/users/" + id).json().get("profile");
        assertThat(p.get("firstName").asText()).isEqualTo("Ada");
        assertThat(p.get("email").asText()).isEqualTo(login);
        assertThat(api.allEvents()).isEqualTo(events);
    }

    @Test
    void passwordChangeThroughTheApiIsLoggedAndWorksForSignIn() {
        String login = login();
        String id = api.createUser(login).get("id").asText();
        long events = api.events("user.account.update_password");
        server.clock.advance(Duration.ofSeconds(1));
        Http.Response r = api.post("/api/v1/users/" + id, "{\"credentials\":{\"password\":{\"value\":\"A-new-passphrase-9\"}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("A-new-passphrase-9");
        assertThat(api.events("user.account.update_password")).isEqualTo(events + 1);
        Users users = server.wiring().users;
        assertThat(users.authenticate(EventContext.system("test"), login, "A-new-passphrase-9").succeeded()).isTrue();
        assertThat(users.authenticate(EventContext.system("test"), login, DirectoryClient.PASSWORD).succeeded()).isFalse();
    }

    @Test
    void fullReplaceReplacesTheProfileAndNeedsTheRequiredAttributes() {
        String login = login();
        String id = api.createUser(login).get("id").asText();
        api.post("/api/v1/users/" + id, "{\"profile\":{\"nickName\":\"Ada\"}}");
        long events = api.allEvents();
        Http.Response missing = api.put("/api/v1/users/" + id, "{\"profile\":{\"login\":\"" + login + "\",\"email\":\"" + login + "\"}}");
        assertOktaError(missing, 400, "E0000001");
        assertThat(missing.json().get("errorCauses")).extracting(c -> c.get("errorSummary").asText())
                .containsExactly("firstName: The field cannot be left blank", "lastName: The field cannot be left blank");
        assertThat(api.allEvents()).isEqualTo(events);

        Http.Response r = api.put("/api/v1/users/" + id, DirectoryClient.userBody(login, "Augusta", "King", null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode p = r.json().get("profile");
        assertThat(p.get("firstName").asText()).isEqualTo("Augusta");
        assertThat(p.get("lastName").asText()).isEqualTo("King");
        assertThat(p.has("nickName")).as("attributes left out of a PUT are removed").isFalse();
        assertThat(r.json().get("credentials").has("password")).as("a PUT without credentials keeps the password").isTrue();
    }

    @Test
    void lifecycleMovesThroughOktasStatusesAndLogsEachStep() {
        String id = api.createUser(login(), "Life", "Cycle", false).get("id").asText();
        String[][] steps = {
                {"activate", "ACTIVE", "user.lifecycle.activate"},
                {"suspend", "SUSPENDED", "user.lifecycle.suspend"},
                {"unsuspend", "ACTIVE", "user.lifecycle.unsuspend"},
                {"deactivate", "DEPROVISIONED", "user.lifecycle.deactivate"},
                {"activate", "ACTIVE", "user.lifecycle.activate"},
        };
        for (String[] step : steps) {
            long events = api.events(step[2]);
            Http.Response r = api.post("/api/v1/users/" + id + "/lifecycle/" + step[0], null);
            assertThat(r.status()).as(step[0] + ": " + r.body()).isEqualTo(200);
            assertThat(r.json().isObject()).isTrue();
            assertThat(r.json().size()).isZero();
            assertThat(api.status(id)).as(step[0]).isEqualTo(step[1]);
            assertThat(api.events(step[2])).as(step[2]).isEqualTo(events + 1);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "SUSPENDED, activate, status: Cannot activate a user that is not STAGED or DEPROVISIONED",
            "ACTIVE, unsuspend, status: Cannot unsuspend a user that is not SUSPENDED",
            "ACTIVE, unlock, status: Cannot unlock a user that is not LOCKED_OUT",
            "STAGED, suspend, status: Cannot suspend a user that is not ACTIVE",
            "SUSPENDED, suspend, status: Cannot suspend a user that is not ACTIVE",
            "DEPROVISIONED, deactivate, status: Cannot deactivate a user that is already DEPROVISIONED",
            "DEPROVISIONED, unsuspend, status: Cannot unsuspend a user that is not SUSPENDED",
    })
    void invalidLifecycleTransitionIsRefusedAndChangesNothing(String status, String operation, String cause) {
        String id = api.createUser(login(), "Bad", "Move", !status.equals("STAGED")).get("id").asText();
        if (status.equals("SUSPENDED")) {
            api.post("/api/v1/users/" + id + "/lifecycle/suspend", null);
        } else if (status.equals("DEPROVISIONED")) {
            api.post("/api/v1/users/" + id + "/lifecycle/deactivate", null);
        }
        assertThat(api.status(id)).isEqualTo(status);
        long events = api.allEvents();
        Http.Response r = api.post("/api/v1/users/" + id + "/lifecycle/" + operation, null);
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo(cause);
        assertThat(api.status(id)).isEqualTo(status);
        assertThat(api.allEvents()).isEqualTo(events);
    }

    @Test
    void deleteDeactivatesFirstAndDeletesTheSecondTime() {
        String login = login();
        String id = api.createUser(login).get("id").asText();
        long deletes = api.events("user.lifecycle.delete.initiated");
        assertThat(api.delete("/api/v1/users/" + id).status()).isEqualTo(204);
        assertThat(api.status(id)).isEqualTo("DEPROVISIONED");
        assertThat(api.events("user.lifecycle.delete.initiated")).isEqualTo(deletes);
        assertThat(api.delete("/api/v1/users/" + id).status()).isEqualTo(204);
        assertOktaError(api.get("/api/v1/users/" + id), 404, "E0000007");
        assertThat(api.events("user.lifecycle.delete.initiated")).isEqualTo(deletes + 1);
        assertThat(api.createUser(login).get("id").asText()).as("the login is free again").isNotEqualTo(id);
    }

    @Test
    void anAdminCannotDeactivateSuspendOrDeleteTheirOwnUser() {
        String me = api.get("/api/v1/users/me").json().get("id").asText();
        for (Http.Response r : List.of(api.post("/api/v1/users/" + me + "/lifecycle/deactivate", null),
                api.post("/api/v1/users/" + me + "/lifecycle/suspend", null), api.delete("/api/v1/users/" + me))) {
            assertOktaError(r, 400, "E0000001");
            assertThat(firstCause(r)).startsWith("You cannot ");
        }
        assertThat(api.status(me)).isEqualTo("ACTIVE");
    }

    @Test
    void callersWhoAreNotSuperAdminsGetE0000006AndChangeNothing() {
        String id = api.createUser(login()).get("id").asText();
        String token = server.wiring().apiTokens.create(EventContext.system("test"), id, "not an admin").value();
        DirectoryClient plain = api.as(token);
        long users = api.users();
        assertOktaError(plain.get("/api/v1/users"), 403, "E0000006");
        assertOktaError(plain.get("/api/v1/users/me"), 403, "E0000006");
        assertOktaError(plain.post("/api/v1/users", DirectoryClient.userBody(login(), "No", "Way", null)), 403, "E0000006");
        assertOktaError(plain.post("/api/v1/users/" + id + "/lifecycle/suspend", null), 403, "E0000006");
        assertOktaError(plain.get("/api/v1/groups"), 403, "E0000006");
        assertThat(api.users()).isEqualTo(users);
        assertThat(api.status(id)).isEqualTo("ACTIVE");
    }

    private static List<String> ids(String path) {
        Http.Response r = api.get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().forEach(u -> out.add(u.get("id").asText()));
        return out;
    }

    private static List<String> allIds(String path) {
        List<String> out = new ArrayList<>();
        String next = path;
        while (next != null) {
            Http.Response r = api.get(next);
            r.json().forEach(u -> out.add(u.get("id").asText()));
            next = DirectoryClient.nextLink(r);
        }
        return out;
    }
}
