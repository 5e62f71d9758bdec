package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
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

import static dev.gatehouse.directory.DirectoryClient.enc;
import static dev.gatehouse.directory.DirectoryClient.firstCause;
import static dev.gatehouse.directory.DirectoryClient.unique;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/groups}: Okta's group JSON, membership, and the built-in Everyone group, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class GroupsHttpTest {

    private static final String EVERYONE = "00gEveryoneGroup0001";

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
        return unique("member") + "@example.com";
    }

    @Test
    void createdGroupHasOktasShapeAndIsLogged() {
        long events = api.events("group.lifecycle.create");
        String name = unique("Engineering");
        JsonNode g = api.createGroup(name);
        assertThat(g.get("id").asText()).matches("00g[A-Za-z0-9]{17}");
        assertThat(g.get("type").asText()).isEqualTo("OKTA_GROUP");
        assertThat(g.get("objectClass")).extracting(JsonNode::asText).containsExactly("okta:user_group");
        assertThat(g.get("profile").get("name").asText()).isEqualTo(name);
        assertThat(g.get("profile").get("description").asText()).isEqualTo("for tests");
        for (String date : List.of("created", "lastUpdated", "lastMembershipUpdated")) {
            assertThat(g.get(date).asText()).as(date).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
        String self = server.wiring().config.baseUrl() + "/api/v1/groups/" + g.get("id").asText();
        assertThat(g.get("_links").get("self").get("href").asText()).isEqualTo(self);
        assertThat(g.get("_links").get("users").get("href").asText()).isEqualTo(self + "/users");
        assertThat(api.get("/api/v1/groups/" + g.get("id").asText()).json()).isEqualTo(g);
        assertThat(api.events("group.lifecycle.create")).isEqualTo(events + 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no name | {\"profile\":{\"description\":\"d\"}} | name: The field cannot be left blank",
            "blank name | {\"profile\":{\"name\":\"  \"}} | name: The field cannot be left blank",
            "number name | {\"profile\":{\"name\":12}} | name: Does not match required type: string",
            "undefined attribute | {\"profile\":{\"name\":\"ok\",\"color\":\"red\"}} | color: Property is not defined in the profile",
            "duplicate of Everyone | {\"profile\":{\"name\":\"EVERYONE\"}} | name: An object with this field already exists in the current organization",
    })
    void invalidGroupIsRejectedAndChangesNothing(String name, String body, String cause) {
        long groups = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_groups");
        long events = api.allEvents();
        Http.Response r = api.post("/api/v1/groups", body);
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo(cause);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_groups")).isEqualTo(groups);
        assertThat(api.allEvents()).isEqualTo(events);
    }

    @Test
    void groupNamesAreUniqueRegardlessOfCase() {
        String name = unique("Sales");
        api.createGroup(name);
        Http.Response r = api.post("/api/v1/groups", "{\"profile\":{\"name\":\"" + name.toUpperCase(Locale.ROOT) + "\"}}");
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo("name: An object with this field already exists in the current organization");
    }

    @Test
    void listFindsGroupsByNamePrefixAndPages() {
        String tag = unique("Team");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(api.createGroup(tag + " " + i).get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String next = "/api/v1/groups?limit=2&q=" + enc(tag.toLowerCase(Locale.ROOT));
        int pages = 0;
        while (next != null) {
            Http.Response r = api.get(next);
            assertThat(r.status()).isEqualTo(200);
            r.json().forEach(g -> seen.add(g.get("id").asText()));
            next = DirectoryClient.nextLink(r);
            pages++;
        }
        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactlyElementsOf(created.stream().sorted().toList());
        JsonNode builtIn = api.get("/api/v1/groups?filter=" + enc("type eq \"BUILT_IN\"")).json();
        assertThat(builtIn).hasSize(1);
        assertThat(builtIn.get(0).get("id").asText()).isEqualTo(EVERYONE);
        assertThat(builtIn.get(0).get("profile").get("name").asText()).isEqualTo("Everyone");
        assertOktaError(api.get("/api/v1/groups?filter=" + enc("color eq \"red\"")), 400, "E0000001");
    }

    @Test
    void renameReplacesTheProfileAndIsLogged() {
        JsonNode g = api.createGroup(unique("Old"));
        String id = g.get("id").asText();
        long events = api.events("group.profile.update");
        server.clock.advance(Duration.ofSeconds(1));
        String name = unique("New");
        Http.Response r = api.put("/api/v1/groups/" + id, "{\"profile\":{\"name\":\"" + name + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("profile").get("name").asText()).isEqualTo(name);
        assertThat(r.json().get("profile").has("description")).as("no description: left out, never null").isFalse();
        assertThat(r.json().get("lastUpdated").asText()).isNotEqualTo(g.get("lastUpdated").asText());
        assertThat(api.events("group.profile.update")).isEqualTo(events + 1);
    }

    @Test
    void membershipIsAddedListedAndRemovedWithEvents() {
        JsonNode g = api.createGroup(unique("Members"));
        String gid = g.get("id").asText();
        String uid = api.createUser(login()).get("id").asText();
        long adds = api.events("group.user_membership.add");
        long removes = api.events("group.user_membership.remove");
        server.clock.advance(Duration.ofSeconds(1));

        assertThat(api.put("/api/v1/groups/" + gid + "/users/" + uid, null).status()).isEqualTo(204);
        assertThat(api.put("/api/v1/groups/" + gid + "/users/" + uid, null).status()).as("adding again is fine").isEqualTo(204);
        assertThat(api.events("group.user_membership.add")).isEqualTo(adds + 1);
        assertThat(api.get("/api/v1/groups/" + gid + "/users").json()).extracting(u -> u.get("id").asText()).containsExactly(uid);
        assertThat(api.get("/api/v1/users/" + uid + "/groups").json()).extracting(x -> x.get("id").asText()).containsExactly(EVERYONE, gid);
        assertThat(api.get("/api/v1/groups/" + gid).json().get("lastMembershipUpdated").asText())
                .isNotEqualTo(g.get("lastMembershipUpdated").asText());

        assertThat(api.delete("/api/v1/groups/" + gid + "/users/" + uid).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/groups/" + gid + "/users/" + uid).status()).as("removing a non-member is fine").isEqualTo(204);
        assertThat(api.events("group.user_membership.remove")).isEqualTo(removes + 1);
        assertThat(api.get("/api/v1/groups/" + gid + "/users").json()).isEmpty();
        assertThat(api.get("/api/v1/users/" + uid + "/groups").json()).extracting(x -> x.get("id").asText()).containsExactly(EVERYONE);
    }

    @Test
    void membershipOfUnknownUserOrGroupIsE0000007() {
        String gid = api.createGroup(unique("Known")).get("id").asText();
        String uid = api.createUser(login()).get("id").asText();
        Http.Response noUser = api.put("/api/v1/groups/" + gid + "/users/00uNoSuchUser0000000", null);
        assertOktaError(noUser, 404, "E0000007");
        assertThat(noUser.json().get("errorSummary").asText()).endsWith("(User)");
        Http.Response noGroup = api.put("/api/v1/groups/00gNoSuchGroup000000/users/" + uid, null);
        assertOktaError(noGroup, 404, "E0000007");
        assertThat(noGroup.json().get("errorSummary").asText()).isEqualTo("Not found: Resource not found: 00gNoSuchGroup000000 (UserGroup)");
        assertOktaError(api.get("/api/v1/groups/00gNoSuchGroup000000"), 404, "E0000007");
        assertOktaError(api.get("/api/v1/groups/00gNoSuchGroup000000/users"), 404, "E0000007");
        assertOktaError(api.delete("/api/v1/groups/00gNoSuchGroup000000"), 404, "E0000007");
    }

    @Test
    void userCreatedWithGroupIdsJoinsThem() {
        String gid = api.createGroup(unique("Joined")).get("id").asText();
        String login = login();
        Http.Response r = api.post("/api/v1/users", """
                {"profile":{"firstName":"G","lastName":"I","email":"%s","login":"%s"},"groupIds":["%s","%s"]}"""
                .formatted(login, login, gid, EVERYONE));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String uid = r.json().get("id").asText();
        assertThat(api.get("/api/v1/users/" + uid + "/groups").json()).extracting(x -> x.get("id").asText()).containsExactly(EVERYONE, gid);
    }

    @Test
    void everyoneHoldsEveryUserWithoutMembershipRows() {
        String uid = api.createUser(login()).get("id").asText();
        List<String> members = new ArrayList<>();
        String next = "/api/v1/groups/" + EVERYONE + "/users?limit=200";
        while (next != null) {
            Http.Response r = api.get(next);
            r.json().forEach(u -> members.add(u.get("id").asText()));
            next = DirectoryClient.nextLink(r);
        }
        assertThat(members).contains(uid).hasSize((int) api.users());
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM group_memberships WHERE group_id = '" + EVERYONE + "'")).isZero();
        assertThat(api.get("/api/v1/groups/" + EVERYONE).json().get("type").asText()).isEqualTo("BUILT_IN");
    }

    @Test
    void everyoneCannotBeRenamedDeletedOrHaveMembersChanged() {
        String uid = api.createUser(login()).get("id").asText();
        JsonNode before = api.get("/api/v1/groups/" + EVERYONE).json();
        long events = api.allEvents();
        for (Http.Response r : List.of(
                api.put("/api/v1/groups/" + EVERYONE, "{\"profile\":{\"name\":\"All\"}}"),
                api.delete("/api/v1/groups/" + EVERYONE),
                api.put("/api/v1/groups/" + EVERYONE + "/users/" + uid, null),
                api.delete("/api/v1/groups/" + EVERYONE + "/users/" + uid))) {
            assertOktaError(r, 403, "E0000006");
            assertThat(firstCause(r)).startsWith("The Everyone group is built in: it cannot ");
        }
        assertThat(api.get("/api/v1/groups/" + EVERYONE).json()).isEqualTo(before);
        assertThat(api.allEvents()).isEqualTo(events);
    }

    @Test
    void deletingAGroupRemovesItAndItsMemberships() {
        String gid = api.createGroup(unique("Doomed")).get("id").asText();
        String uid = api.createUser(login()).get("id").asText();
        api.put("/api/v1/groups/" + gid + "/users/" + uid, null);
        long events = api.events("group.lifecycle.delete");
        assertThat(api.delete("/api/v1/groups/" + gid).status()).isEqualTo(204);
        assertOktaError(api.get("/api/v1/groups/" + gid), 404, "E0000007");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM group_memberships WHERE group_id = '" + gid + "'")).isZero();
        assertThat(api.events("group.lifecycle.delete")).isEqualTo(events + 1);
        assertThat(api.status(uid)).isEqualTo("ACTIVE");
    }

    @Test
    void deletingAUserRemovesItsMemberships() {
        String gid = api.createGroup(unique("Leavers")).get("id").asText();
        String uid = api.createUser(login()).get("id").asText();
        api.put("/api/v1/groups/" + gid + "/users/" + uid, null);
        String stamped = api.get("/api/v1/groups/" + gid).json().get("lastMembershipUpdated").asText();
        server.clock.advance(Duration.ofSeconds(1));
        api.delete("/api/v1/users/" + uid);
        assertThat(api.get("/api/v1/groups/" + gid + "/users").json()).as("a deactivated user stays a member").hasSize(1);
        api.delete("/api/v1/users/" + uid);
        assertThat(api.get("/api/v1/groups/" + gid + "/users").json()).isEmpty();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM group_memberships WHERE user_id = '" + uid + "'")).isZero();
        assertThat(api.get("/api/v1/groups/" + gid).json().get("lastMembershipUpdated").asText()).isNotEqualTo(stamped);
    }
}
