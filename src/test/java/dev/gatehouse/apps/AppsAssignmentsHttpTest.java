package dev.gatehouse.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.directory.Group;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.apps.AppClient.SPA;
import static dev.gatehouse.apps.AppClient.edit;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** Who may use an app: Everyone, groups and users, through the API and {@link Apps#isAssigned}; on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AppsAssignmentsHttpTest {

    private static final String EVERYONE = Group.EVERYONE;

    @Parameter
    TestDatabase database;

    static TestServer server;
    static AppClient api;
    static Apps apps;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new AppClient(server);
        apps = server.wiring().apps;
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** A STAGED user without a password (no password hashing: keeps the tests fast; assignments ignore status). */
    private static String user() {
        String login = AppClient.unique("person").replace(" ", "") + "@example.com";
        Http.Response r = api.post("/api/v1/users?activate=false",
                "{\"profile\":{\"firstName\":\"App\",\"lastName\":\"User\",\"email\":\"" + login + "\",\"login\":\"" + login + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("id").asText();
    }

    private static String group(String... members) {
        Http.Response r = api.post("/api/v1/groups", "{\"profile\":{\"name\":\"" + AppClient.unique("Team") + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String id = r.json().get("id").asText();
        for (String member : members) {
            assertThat(api.put("/api/v1/groups/" + id + "/users/" + member, null).status()).isEqualTo(204);
        }
        return id;
    }

    @Test
    void appCreatedForEveryoneLetsEveryUserIn() {
        long adds = api.events("group.application_assignment.add");
        JsonNode app = api.create(edit(SPA, a -> a.withObjectProperty("settings").put("implicitAssignment", true)));
        String id = app.get("id").asText();
        assertThat(app.get("settings").get("implicitAssignment").asBoolean()).isTrue();
        assertThat(api.events("group.application_assignment.add")).isEqualTo(adds + 1);
        String someone = user();
        assertThat(apps.isAssigned(id, someone)).isTrue();

        JsonNode groups = api.get("/api/v1/apps/" + id + "/groups").json();
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).get("id").asText()).isEqualTo(EVERYONE);
        Http.Response appUser = api.get("/api/v1/apps/" + id + "/users/" + someone);
        assertThat(appUser.status()).as(appUser.body()).isEqualTo(200);
        assertThat(appUser.json().get("scope").asText()).isEqualTo("GROUP");

        long removes = api.events("group.application_assignment.remove");
        assertThat(api.delete("/api/v1/apps/" + id + "/groups/" + EVERYONE).status()).isEqualTo(204);
        assertThat(api.app(id).get("settings").get("implicitAssignment").asBoolean()).isFalse();
        assertThat(apps.isAssigned(id, someone)).isFalse();
        assertThat(api.events("group.application_assignment.remove")).isEqualTo(removes + 1);
    }

    @Test
    void implicitAssignmentOnUpdateAssignsAndUnassignsEveryone() {
        String id = api.createId(SPA);
        String someone = user();
        JsonNode app = api.app(id);
        JsonNode on = api.put("/api/v1/apps/" + id, edit(app.toString(), a -> a.withObjectProperty("settings").put("implicitAssignment", true))).json();
        assertThat(on.get("settings").get("implicitAssignment").asBoolean()).isTrue();
        assertThat(apps.isAssigned(id, someone)).isTrue();
        JsonNode unchanged = api.put("/api/v1/apps/" + id, edit(on.toString(), a -> a.withObjectProperty("settings").remove("implicitAssignment"))).json();
        assertThat(unchanged.get("settings").get("implicitAssignment").asBoolean()).as("left out: assignments stay").isTrue();
        JsonNode off = api.put("/api/v1/apps/" + id, edit(on.toString(), a -> a.withObjectProperty("settings").put("implicitAssignment", false))).json();
        assertThat(off.get("settings").get("implicitAssignment").asBoolean()).isFalse();
        assertThat(apps.isAssigned(id, someone)).isFalse();
    }

    @Test
    void groupAssignmentLetsItsMembersInAndNobodyElse() {
        String id = api.createId(SPA);
        String member = user();
        String outsider = user();
        String gid = group(member);
        long adds = api.events("group.application_assignment.add");
        server.clock.advance(Duration.ofSeconds(1));

        Http.Response r = api.put("/api/v1/apps/" + id + "/groups/" + gid, "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("id").asText()).isEqualTo(gid);
        assertThat(r.json().get("priority").asInt()).isZero();
        assertThat(r.json().get("lastUpdated").asText()).matches("\\d{4}-.*Z");
        assertThat(api.put("/api/v1/apps/" + id + "/groups/" + gid, null).status()).as("again, without a body").isEqualTo(200);
        assertThat(api.events("group.application_assignment.add")).isEqualTo(adds + 1);
        assertThat(api.get("/api/v1/apps/" + id + "/groups/" + gid).json()).isEqualTo(r.json());

        assertThat(apps.isAssigned(id, member)).isTrue();
        assertThat(apps.isAssigned(id, outsider)).isFalse();
        assertThat(api.app(id).get("settings").get("implicitAssignment").asBoolean()).isFalse();
        JsonNode users = api.get("/api/v1/apps/" + id + "/users").json();
        assertThat(ids(users)).containsExactly(member);
        assertThat(users.get(0).get("scope").asText()).isEqualTo("GROUP");
        assertThat(users.get(0).get("credentials").get("userName").asText()).endsWith("@example.com");
        assertOktaError(api.get("/api/v1/apps/" + id + "/users/" + outsider), 404, "E0000007");

        String second = group();
        JsonNode prioritised = api.put("/api/v1/apps/" + id + "/groups/" + second, "{\"priority\":5}").json();
        assertThat(prioritised.get("priority").asInt()).isEqualTo(5);
        assertThat(ids(api.get("/api/v1/apps/" + id + "/groups").json())).containsExactlyElementsOf(List.of(gid, second).stream().sorted().toList());

        assertThat(api.delete("/api/v1/apps/" + id + "/groups/" + gid).status()).isEqualTo(204);
        assertThat(apps.isAssigned(id, member)).isFalse();
        assertOktaError(api.get("/api/v1/apps/" + id + "/groups/" + gid), 404, "E0000007");
        assertThat(api.delete("/api/v1/apps/" + id + "/groups/" + gid).status()).as("removing again is fine").isEqualTo(204);
    }

    @Test
    void userAssignmentLetsThatUserIn() {
        String id = api.createId(SPA);
        String uid = user();
        String other = user();
        long adds = api.events("application.user_membership.add");
        long removes = api.events("application.user_membership.remove");

        Http.Response r = api.post("/api/v1/apps/" + id + "/users", "{\"id\":\"" + uid + "\",\"scope\":\"USER\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode appUser = r.json();
        assertThat(appUser.get("id").asText()).isEqualTo(uid);
        assertThat(appUser.get("scope").asText()).isEqualTo("USER");
        assertThat(appUser.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(appUser.get("_links").get("user").get("href").asText()).endsWith("/api/v1/users/" + uid);
        assertThat(appUser.get("_links").get("app").get("href").asText()).endsWith("/api/v1/apps/" + id);
        assertThat(api.post("/api/v1/apps/" + id + "/users", "{\"id\":\"" + uid + "\"}").status()).isEqualTo(200);
        assertThat(api.events("application.user_membership.add")).as("assigning again writes nothing").isEqualTo(adds + 1);
        assertThat(apps.isAssigned(id, uid)).isTrue();
        assertThat(apps.isAssigned(id, other)).isFalse();
        assertThat(api.get("/api/v1/apps/" + id + "/users/" + uid).json()).isEqualTo(appUser);

        assertThat(api.delete("/api/v1/apps/" + id + "/users/" + uid).status()).isEqualTo(204);
        assertThat(apps.isAssigned(id, uid)).isFalse();
        assertOktaError(api.get("/api/v1/apps/" + id + "/users/" + uid), 404, "E0000007");
        assertThat(api.events("application.user_membership.remove")).isEqualTo(removes + 1);
    }

    @Test
    void userAssignedOnlyThroughAGroupCannotBeUnassignedDirectly() {
        String id = api.createId(SPA);
        String uid = user();
        apps.assignGroup(EventContext.system("test"), id, group(uid));
        String rows = api.rows();
        Http.Response r = api.delete("/api/v1/apps/" + id + "/users/" + uid);
        assertOktaError(r, 400, "E0000001");
        assertThat(AppClient.firstCause(r)).startsWith("scope: The user is assigned to this app through a group");
        assertThat(apps.isAssigned(id, uid)).isTrue();
        assertThat(api.rows()).isEqualTo(rows);

        api.post("/api/v1/apps/" + id + "/users", "{\"id\":\"" + uid + "\"}");
        assertThat(api.get("/api/v1/apps/" + id + "/users/" + uid).json().get("scope").asText()).as("direct wins").isEqualTo("USER");
    }

    @Test
    void badAssignmentsAreRefusedAndChangeNothing() {
        String id = api.createId(SPA);
        String uid = user();
        String rows = api.rows();
        assertOktaError(api.post("/api/v1/apps/" + id + "/users", "{\"id\":\"00uNoSuchUser0000000\"}"), 404, "E0000007");
        assertOktaError(api.post("/api/v1/apps/" + id + "/users", "{\"scope\":\"USER\"}"), 400, "E0000001");
        assertOktaError(api.post("/api/v1/apps/" + id + "/users", "{\"id\":42}"), 400, "E0000001");
        assertOktaError(api.post("/api/v1/apps/" + id + "/users", "{\"id\":\"" + uid + "\",\"scope\":\"GROUP\"}"), 400, "E0000001");
        assertOktaError(api.put("/api/v1/apps/" + id + "/groups/00gNoSuchGroup000000", "{}"), 404, "E0000007");
        assertOktaError(api.put("/api/v1/apps/" + id + "/groups/" + EVERYONE, "{\"priority\":-1}"), 400, "E0000001");
        assertOktaError(api.put("/api/v1/apps/" + id + "/groups/" + EVERYONE, "{\"priority\":\"high\"}"), 400, "E0000001");
        assertOktaError(api.post("/api/v1/apps/0oaNoSuchApp00000000/users", "{\"id\":\"" + uid + "\"}"), 404, "E0000007");
        assertOktaError(api.put("/api/v1/apps/0oaNoSuchApp00000000/groups/" + EVERYONE, "{}"), 404, "E0000007");
        assertThat(api.rows()).isEqualTo(rows);
        assertThat(apps.isAssigned("0oaNoSuchApp00000000", uid)).isFalse();
        assertThat(apps.isAssigned(id, "00uNoSuchUser0000000")).isFalse();
    }

    @Test
    void consoleSeesAllAssignmentsAtOnce() {
        String id = api.createId(SPA);
        String uid = user();
        String gid = group();
        EventContext ctx = EventContext.system("test");
        assertThat(apps.assignments(id)).isEqualTo(new Assignments(false, List.of(), List.of()));
        apps.assignEveryone(ctx, id);
        apps.assignGroup(ctx, id, gid);
        apps.assignUser(ctx, id, uid);
        Assignments all = apps.assignments(id);
        assertThat(all.everyone()).isTrue();
        assertThat(all.groups()).extracting(GroupAssignment::groupId).containsExactlyElementsOf(List.of(EVERYONE, gid).stream().sorted().toList());
        assertThat(all.groups()).filteredOn(GroupAssignment::everyone).extracting(GroupAssignment::groupName).containsExactly("Everyone");
        assertThat(all.users()).extracting(AppUser::userId).containsExactly(uid);
        assertThat(all.users()).extracting(AppUser::scope).containsExactly(AppUser.Scope.USER);
        assertThat(apps.get(id).implicitAssignment()).isTrue();
    }

    @Test
    void deletingAnAppRemovesItsAssignmentsAndDeletingAGroupRemovesItsAssignment() {
        String id = api.createId(SPA);
        String uid = user();
        String gid = group(uid);
        EventContext ctx = EventContext.system("test");
        apps.assignGroup(ctx, id, gid);
        apps.assignUser(ctx, id, uid);
        assertThat(api.delete("/api/v1/groups/" + gid).status()).isEqualTo(204);
        assertThat(apps.assignments(id).groups()).isEmpty();
        apps.deactivate(ctx, id);
        apps.delete(ctx, id);
        assertThat(api.count("SELECT COUNT(*) FROM app_user_assignments WHERE app_id = '" + id + "'")).isZero();
        assertThat(api.count("SELECT COUNT(*) FROM app_group_assignments WHERE app_id = '" + id + "'")).isZero();
    }

    @Test
    void appUsersArePagedById() {
        String id = api.createId(SPA);
        List<String> assigned = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assigned.add(apps.assignUser(EventContext.system("test"), id, user()).userId());
        }
        Http.Response first = api.get("/api/v1/apps/" + id + "/users?limit=2");
        assertThat(ids(first.json())).hasSize(2);
        String next = first.header("Link").replaceAll(".*<([^>]+)>; rel=\"next\".*", "$1").replaceFirst("^https?://[^/]+", "");
        Http.Response second = api.get(next);
        assertThat(second.header("Link")).doesNotContain("rel=\"next\"");
        List<String> seen = new ArrayList<>(ids(first.json()));
        seen.addAll(ids(second.json()));
        assertThat(seen).containsExactlyElementsOf(assigned.stream().sorted().toList());
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("id").asText()));
        return out;
    }
}
