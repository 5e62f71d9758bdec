package dev.gatehouse.oauth.claims;

import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The claim expression sandbox (no server): what Okta EL may do in a claim, and every way out refused. */
class ClaimExpressionTest {

    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
    private static final User ALICE = new User("00uAlice000000000001", User.Status.ACTIVE,
            new User.Profile("alice@example.com", "alice@example.com", "Alice", "Liddell", null, "+1 555 0100",
                    Map.of("department", "Engineering", "nickName", "Al")), T, T, T, null, T, T);
    private static final List<Group> GROUPS = List.of(group("00gEveryoneGroup0001", "Everyone"), group("00gAdmins00000000001", "Admins"),
            group("00gIT000000000000001", "IT Support"), group("00gIT000000000000002", "it-ops"), group("00gSales000000000001", "Sales"));

    private static Group group(String id, String name) {
        return new Group(id, Group.Type.OKTA_GROUP, name, null, T, T, T);
    }

    private static ClaimSubject subject(User user, AtomicInteger groupReads) {
        return new ClaimSubject(user, "0oaApp00000000000001", "0oaApp00000000000001", "Orders", List.of("openid", "profile", "orders:read"),
                List.of("pwd", "otp"), () -> {
                    groupReads.incrementAndGet();
                    return GROUPS;
                }, new ClaimSubject.Org("Acme", "acme"));
    }

    private static Object eval(String expression) {
        return ClaimExpression.parse(expression).evaluate(subject(ALICE, new AtomicInteger()));
    }

    // ---- what is allowed -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "user.email | alice@example.com",
            "user.login | alice@example.com",
            "user.firstName + ' ' + user.lastName | Alice Liddell",
            "user.department | Engineering",
            "user.nickName | Al",
            "user.mobilePhone | +1 555 0100",
            "user.getInternalProperty('id') | 00uAlice000000000001",
            "user.getInternalProperty('status') | ACTIVE",
            "appuser.userName | alice@example.com",
            "(appuser != null) ? appuser.userName : app.clientId | alice@example.com",
            "app.id | 0oaApp00000000000001",
            "app.clientId | 0oaApp00000000000001",
            "app.label | Orders",
            "org.name | Acme",
            "org.subDomain | acme",
            "'lit' + \"eral\" | literal",
            "String.toUpperCase(user.lastName) | LIDDELL",
            "String.toLowerCase('ABC') | abc",
            "toUpperCase('bare') | BARE",
            "String.substring(user.firstName, 0, 3) | Ali",
            "String.substring('abc', 1, 99) | bc",
            "substringBefore(user.email, '@') | alice",
            "String.substringBefore(user.email, '@') | alice",
            "String.substringAfter(user.email, '@') | example.com",
            "String.append(user.firstName, '!') | Alice!",
            "String.join('-', 'a', 'b', 'c') | a-b-c",
            "String.replace('a.b.c', '.', '/') | a/b/c",
            "String.replaceFirst('a.b.c', '.', '/') | a/b.c",
            "String.removeSpaces(' a b ') | ab",
            "String.stringSwitch(user.department, 'other', 'Sales', 's', 'Engin', 'e') | e",
            "Arrays.toCsvString({'a', 'b'}) | a,b",
            "Arrays.get({'x', 'y'}, 1) | y",
            "Arrays.toCsvString(access.scope) | openid,profile,orders:read",
            "String.replace(Arrays.toCsvString(access.scope), ',', ' ') | openid profile orders:read",
            "user.missing ?: 'fallback' | fallback",
            "isMemberOfGroupName('Admins') ? 'admin' : 'user' | admin",
            "isMemberOfGroupName('admins') ? 'admin' : 'user' | user",
            "user.email matches '.*@example[.]com' ? 'in' : 'out' | in",
    })
    void allowedExpressionsGiveOktasValues(String expression, String expected) {
        assertThat(eval(expression)).isEqualTo(expected);
    }

    @Test
    void numbersBooleansAndListsAreClaimValues() {
        assertThat(eval("String.len(user.firstName)")).isEqualTo(5L);
        assertThat(eval("1 + 2 * 3")).isEqualTo(7L);
        assertThat(eval("Convert.toInt('42')")).isEqualTo(42L);
        assertThat(eval("Convert.toNum('4.5')")).isEqualTo(4.5);
        assertThat(eval("String.stringContains(user.email, 'example')")).isEqualTo(true);
        assertThat(eval("String.startsWith(user.email, 'bob')")).isEqualTo(false);
        assertThat(eval("user.firstName == 'Alice' and !(user.lastName == 'X') || false")).isEqualTo(true);
        assertThat(eval("Arrays.contains(access.scope, 'profile')")).isEqualTo(true);
        assertThat(eval("Arrays.size(access.scope)")).isEqualTo(3L);
        assertThat(eval("Arrays.isEmpty(user.missing)")).isEqualTo(true);
        assertThat(eval("Arrays.size('a,b,c')")).as("CSV text counts as an array").isEqualTo(3L);
        assertThat(eval("Arrays.add({'a'}, 'b')")).isEqualTo(List.of("a", "b"));
        assertThat(eval("Arrays.remove({'a', 'b'}, 'a')")).isEqualTo(List.of("b"));
        assertThat(eval("Arrays.clear({'a'})")).isEqualTo(List.of());
        assertThat(eval("Arrays.flatten({'a'}, {'b', 'c'}, 'd')")).isEqualTo(List.of("a", "b", "c", "d"));
        assertThat(eval("{'a', 'b'}[0]")).isEqualTo("a");
        assertThat(eval("session.amr")).isEqualTo(List.of("pwd", "otp"));
        assertThat(eval("access.scope.?[#this != 'openid']")).isEqualTo(List.of("profile", "orders:read"));
        assertThat(eval("user.missing")).as("an unset attribute is null: no claim").isNull();
    }

    @Test
    void groupFunctionsReadTheGroupsOnceAndOnlyWhenAsked() {
        AtomicInteger reads = new AtomicInteger();
        ClaimSubject s = subject(ALICE, reads);
        assertThat(ClaimExpression.parse("user.email").evaluate(s)).isEqualTo("alice@example.com");
        assertThat(reads).as("no group read for an expression without groups").hasValue(0);
        assertThat(ClaimExpression.parse("Groups.startsWith('OKTA', 'IT', 10)").evaluate(s)).isEqualTo(List.of("IT Support", "it-ops"));
        assertThat(ClaimExpression.parse("Groups.contains('OKTA', 'e', 2)").evaluate(s)).isEqualTo(List.of("Everyone", "Sales"));
        assertThat(ClaimExpression.parse("Groups.endsWith('OKTA', 'ops', 100)").evaluate(s)).isEqualTo(List.of("it-ops"));
        assertThat(ClaimExpression.parse("Groups.startsWith('0oaOtherApp000000001', 'IT', 10)").evaluate(s)).isEqualTo(List.of());
        assertThat(ClaimExpression.parse("isMemberOfGroup('00gSales000000000001')").evaluate(s)).isEqualTo(true);
        assertThat(ClaimExpression.parse("isMemberOfAnyGroup('00gNope', '00gAdmins00000000001')").evaluate(s)).isEqualTo(true);
        assertThat(ClaimExpression.parse("isMemberOfGroupNameStartsWith('Sal')").evaluate(s)).isEqualTo(true);
        assertThat(ClaimExpression.parse("isMemberOfGroupNameContains('upp')").evaluate(s)).isEqualTo(true);
        assertThat(ClaimExpression.parse("isMemberOfGroupNameRegex('it-.*')").evaluate(s)).isEqualTo(true);
        assertThat(reads).as("read once per token").hasValue(1);
        assertThatThrownBy(() -> ClaimExpression.parse("Groups.startsWith('OKTA', 'IT', 101)").evaluate(s))
                .isInstanceOf(ClaimExpression.Failed.class).hasMessageContaining("between 1 and 100");
    }

    @Test
    void clientCredentialsHaveNoUser() {
        ClaimSubject s = new ClaimSubject(null, "0oaSvc", "0oaSvc", "Service", List.of("orders:read"), List.of(), null, null);
        assertThat(ClaimExpression.parse("(appuser != null) ? appuser.userName : app.clientId").evaluate(s)).isEqualTo("0oaSvc");
        assertThat(ClaimExpression.parse("user").evaluate(s)).isNull();
        assertThatThrownBy(() -> ClaimExpression.parse("user.email").evaluate(s)).isInstanceOf(ClaimExpression.Failed.class);
        assertThat(ClaimExpression.parse("user?.email").evaluate(s)).isNull();
    }

    @Test
    void groupFiltersMatchAsOktaDocumentsThem() {
        List<String> names = GROUPS.stream().map(Group::name).toList();
        assertThat(GroupFilter.of(GroupFilter.Type.STARTS_WITH, "it").apply(names)).containsExactly("IT Support", "it-ops");
        assertThat(GroupFilter.of(GroupFilter.Type.EQUALS, "everyone").apply(names)).containsExactly("Everyone");
        assertThat(GroupFilter.of(GroupFilter.Type.CONTAINS, "SUP").apply(names)).containsExactly("IT Support");
        assertThat(GroupFilter.of(GroupFilter.Type.REGEX, "it-.*").apply(names)).as("REGEX is case-sensitive").containsExactly("it-ops");
        assertThat(GroupFilter.of(GroupFilter.Type.REGEX, ".*").apply(names)).hasSize(5);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("g" + i);
        }
        assertThatThrownBy(() -> GroupFilter.of(GroupFilter.Type.STARTS_WITH, "g").apply(many))
                .hasMessageContaining("too many groups");
        assertThatThrownBy(() -> GroupFilter.of(GroupFilter.Type.REGEX, "(unclosed")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position");
    }

    // ---- what is refused -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "T(java.lang.Runtime).getRuntime().exec('id')",
            "T(java.lang.System).getProperty('user.home')",
            "new java.io.File('/etc/passwd')",
            "new java.lang.ProcessBuilder('id').start()",
            "@systemProperties['user.home']",
            "&factoryBean",
            "#root",
            "#this",
            "#root.user.email",
            "#variable",
            "#fn('x')",
            "user.email = 'x'",
            "user.count++",
            "{a: 1}",
            "'abc' instanceof T(String)",
            "2 ^ 1000",
            "1 between {0, 2}",
            "{1,2}.![{3,4}.![#this]]",
            "{1,2}.?[{3,4}.?[true] != null]",
            "{'a','b'}.?[#this matches 'a']",
            "{'a','b'}.![#this matches 'a']",
            "Arrays.size(Arrays.remove(',,,', 'x').![ 'aaaaaaaaaaaaaaaa!' matches '(.*a){12}'])",
    })
    void forbiddenConstructsAreRefusedAtParseTimeWithAPosition(String expression) {
        assertThatThrownBy(() -> ClaimExpression.parse(expression)).isInstanceOf(ClaimExpression.Invalid.class)
                .satisfies(e -> assertThat(((ClaimExpression.Invalid) e).describe()).contains("(at position"));
    }

    @Test
    void syntaxErrorsNameThePosition() {
        ClaimExpression.Invalid e = org.junit.jupiter.api.Assertions.assertThrows(ClaimExpression.Invalid.class,
                () -> ClaimExpression.parse("user.email +"));
        assertThat(e.position()).isGreaterThan(0);
        assertThatThrownBy(() -> ClaimExpression.parse("")).isInstanceOf(ClaimExpression.Invalid.class);
        assertThatThrownBy(() -> ClaimExpression.parse("'unterminated")).isInstanceOf(ClaimExpression.Invalid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "''.getClass().forName('java.lang.Runtime')",
            "''.getClass()",
            "user.getClass()",
            "user.email.getBytes()",
            "user.email.class",
            "String.getClass()",
            "String.hashCode()",
            "String.attribute('x')",
            "String.hasAttribute('x')",
            "user.attribute('login')",
            "Arrays.wait()",
            "access.scope.clear()",
            "access.scope.class",
            "unknownRoot",
            "cool",
            "getClass()",
            "toString()",
            "Convert.toInt('not a number')",
            "1 / 0",
            "'x' * 257",
    })
    void escapesAreRefusedAtEvaluation(String expression) {
        ClaimExpression parsed = ClaimExpression.parse(expression);
        assertThatThrownBy(() -> parsed.evaluate(subject(ALICE, new AtomicInteger()))).isInstanceOf(ClaimExpression.Failed.class);
    }

    @Test
    void onlyClaimShapedValuesComeOut() {
        assertThatThrownBy(() -> eval("user")).as("a namespace is no claim value").isInstanceOf(ClaimExpression.Failed.class);
        assertThatThrownBy(() -> eval("String")).isInstanceOf(ClaimExpression.Failed.class);
        assertThatThrownBy(() -> eval("{{'a'}, {'b'}}")).hasMessageContaining("list of lists");
    }

    @Test
    void sizesAreBounded() {
        assertThatThrownBy(() -> ClaimExpression.parse("'" + "a".repeat(1100) + "'")).isInstanceOf(ClaimExpression.Invalid.class)
                .hasMessageContaining("1024");
        String nested = "Arrays.size(".repeat(45) + "1" + ")".repeat(45);
        assertThatThrownBy(() -> ClaimExpression.parse(nested)).isInstanceOf(ClaimExpression.Invalid.class).hasMessageContaining("nested");
        String parentheses = "(".repeat(500) + "1" + ")".repeat(500);
        assertThat(ClaimExpression.parse(parentheses).evaluate(subject(ALICE, new AtomicInteger()))).isEqualTo(1L);
        StringBuilder many = new StringBuilder("1");
        for (int i = 0; i < 300; i++) {
            many.append("+1");
        }
        assertThatThrownBy(() -> ClaimExpression.parse(many.toString())).isInstanceOf(ClaimExpression.Invalid.class)
                .hasMessageContaining("nested too deeply");
        String wide = "{" + "1,".repeat(450) + "1}";
        assertThatThrownBy(() -> ClaimExpression.parse(wide)).isInstanceOf(ClaimExpression.Invalid.class)
                .hasMessageContaining("too complex");
        // A list longer than a claim may hold.
        StringBuilder list = new StringBuilder("{");
        for (int i = 0; i < 150; i++) {
            list.append(i == 0 ? "" : ",").append(i % 10);
        }
        assertThatThrownBy(() -> eval(list + "}")).hasMessageContaining("more than 100");
        // Texts grow only so far, whichever way they are built.
        assertThatThrownBy(() -> eval("String.replace(String.replace(String.replace('" + "a".repeat(40) + "', 'a', '"
                + "a".repeat(40) + "'), 'a', '" + "a".repeat(40) + "'), 'a', 'aa')")).isInstanceOf(ClaimExpression.Failed.class);
        assertThatThrownBy(() -> eval("Arrays.size(String.replace(String.replace('" + ",".repeat(60) + "', ',', '" + ",".repeat(60)
                + "'), ',', ',,'))")).isInstanceOf(ClaimExpression.Failed.class);
    }

    @Test
    void projectionOnTheLargestListsStaysFast() {
        StringBuilder list = new StringBuilder("{");
        for (int i = 0; i < 300; i++) {
            list.append(i == 0 ? "" : ",").append(i % 10);
        }
        String expression = "Arrays.size(" + list + "}.![#this + 'y'])";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThat(eval(expression)).isEqualTo(300L));
    }

    @Test
    void catastrophicRegexesAreCutShort() {
        User longName = new User("00uLong00000000000001", User.Status.ACTIVE,
                new User.Profile("long@example.com", "long@example.com", "a".repeat(40) + "!", "L", null, null), T, T, T, null, T, T);
        ClaimSubject s = new ClaimSubject(longName, "0oa", "0oa", null, List.of(), List.of(),
                () -> List.of(group("00gLong", "a".repeat(40) + "!")), null);
        // (.*a){12} on 40 a's and a '!' takes the JDK's matcher many seconds; the bounded matchers stop it at once.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> ClaimExpression.parse("isMemberOfGroupNameRegex('(.*a){12}')").evaluate(s))
                    .isInstanceOf(ClaimExpression.Failed.class);
            assertThatThrownBy(() -> GroupFilter.of(GroupFilter.Type.REGEX, "(.*a){12}").apply(List.of("a".repeat(40) + "!")))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ClaimExpression.parse("user.firstName matches '(.*a){12}'").evaluate(s))
                    .isInstanceOf(ClaimExpression.Failed.class);
        });
    }

    @Test
    void oneRegexBudgetCoversAllOfAUsersGroups() {
        // Each name alone stays under the per-name budget of (.*a){12}; a thousand of them used to get a budget each
        // and held one token request for a second (and every isMemberOfGroupNameRegex call again).
        List<Group> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(group("00gMany" + i, "a".repeat(14) + "!"));
        }
        List<String> names = many.stream().map(Group::name).toList();
        ClaimSubject s = new ClaimSubject(ALICE, "0oa", "0oa", null, List.of(), List.of(), () -> many, null);
        assertThat(GroupFilter.of(GroupFilter.Type.REGEX, "(.*a){12}").matches(names.getFirst())).isFalse();
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertThatThrownBy(() -> GroupFilter.of(GroupFilter.Type.REGEX, "(.*a){12}").apply(names))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ClaimExpression.parse("isMemberOfGroupNameRegex('(.*a){12}')").evaluate(s))
                    .isInstanceOf(ClaimExpression.Failed.class);
        });
        // An ordinary pattern still reads all thousand names within the shared budget.
        assertThat(GroupFilter.of(GroupFilter.Type.REGEX, "a+[?]").apply(names)).isEmpty();
        assertThat(ClaimExpression.parse("isMemberOfGroupNameRegex('b|a{14}!')").evaluate(s)).isEqualTo(true);
    }
}
