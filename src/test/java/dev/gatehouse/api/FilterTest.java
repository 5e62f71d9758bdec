package dev.gatehouse.api;

import dev.gatehouse.storage.Filter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gatehouse.storage.Filter.And;
import dev.gatehouse.storage.Filter.Comparison;
import dev.gatehouse.storage.Filter.InvalidFilter;
import dev.gatehouse.storage.Filter.Not;
import dev.gatehouse.storage.Filter.Op;
import dev.gatehouse.storage.Filter.Or;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilterTest {

    private static final Map<String, String> COLUMNS = Map.of(
            "status", "u.status",
            "profile.login", "u.login",
            "profile.email", "u.email",
            "profile.mobilePhone", "u.mobile_phone",
            "lastUpdated", "u.last_updated",
            "age", "u.age",
            "admin", "u.admin");
    private static final Set<String> CASE_INSENSITIVE = Set.of("profile.login", "profile.email");

    private static Comparison cmp(String attribute, Op op, Object value) {
        return new Comparison(attribute, op, value);
    }

    private static Comparison present(String attribute) {
        return new Comparison(attribute, Op.PR, null);
    }

    static Stream<Arguments> validExpressions() {
        return Stream.of(
                arguments("status eq \"ACTIVE\"", cmp("status", Op.EQ, "ACTIVE")),
                arguments("status ne \"DEPROVISIONED\"", cmp("status", Op.NE, "DEPROVISIONED")),
                arguments("lastUpdated gt \"2026-01-01T00:00:00.000Z\"",
                        cmp("lastUpdated", Op.GT, "2026-01-01T00:00:00.000Z")),
                arguments("age ge 18", cmp("age", Op.GE, 18L)),
                arguments("age lt -3", cmp("age", Op.LT, -3L)),
                arguments("score le 2.5", cmp("score", Op.LE, 2.5)),
                arguments("score eq 1e3", cmp("score", Op.EQ, 1000.0)),
                arguments("profile.firstName sw \"Jo\"", cmp("profile.firstName", Op.SW, "Jo")),
                arguments("profile.email ew \"@example.com\"", cmp("profile.email", Op.EW, "@example.com")),
                arguments("profile.displayName co \"an\"", cmp("profile.displayName", Op.CO, "an")),
                arguments("profile.mobilePhone pr", present("profile.mobilePhone")),
                arguments("admin eq true", cmp("admin", Op.EQ, true)),
                arguments("admin ne false", cmp("admin", Op.NE, false)),
                arguments("profile.manager eq null", cmp("profile.manager", Op.EQ, null)),
                arguments("profile.manager ne null", cmp("profile.manager", Op.NE, null)),
                arguments("profile.employee_id_2 eq \"x\"", cmp("profile.employee_id_2", Op.EQ, "x")),
                arguments("status eq \"\"", cmp("status", Op.EQ, "")),
                arguments("  \tstatus\neq  \"ACTIVE\"\r\n ", cmp("status", Op.EQ, "ACTIVE")),
                arguments("status eq\"ACTIVE\"", cmp("status", Op.EQ, "ACTIVE")),
                arguments("((status eq \"ACTIVE\"))", cmp("status", Op.EQ, "ACTIVE")),
                arguments("(status pr)and(age pr)", new And(present("status"), present("age"))),
                arguments("status eq \"(a or b) and not c\"", cmp("status", Op.EQ, "(a or b) and not c")),
                arguments("profile.firstName eq \"Zoë 日本\"", cmp("profile.firstName", Op.EQ, "Zoë 日本")),
                arguments("profile.firstName eq \"john\" and (lastUpdated gt \"2026-01-01T00:00:00.000Z\""
                                + " or not (profile.email ew \"@example.com\"))",
                        new And(cmp("profile.firstName", Op.EQ, "john"),
                                new Or(cmp("lastUpdated", Op.GT, "2026-01-01T00:00:00.000Z"),
                                        new Not(cmp("profile.email", Op.EW, "@example.com"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExpressions")
    void parsesValidExpressions(String expression, Filter expected) {
        assertThat(Filter.parse(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorSpellings")
    void operatorsAreCaseInsensitive(String expression, Op op) {
        assertThat(Filter.parse(expression)).isEqualTo(op == Op.PR ? present("a") : cmp("a", op, "x"));
    }

    static Stream<Arguments> operatorSpellings() {
        return Stream.of(arguments("a EQ \"x\"", Op.EQ), arguments("a Ne \"x\"", Op.NE), arguments("a gT \"x\"", Op.GT),
                arguments("a GE \"x\"", Op.GE), arguments("a LT \"x\"", Op.LT), arguments("a Le \"x\"", Op.LE),
                arguments("a SW \"x\"", Op.SW), arguments("a eW \"x\"", Op.EW), arguments("a CO \"x\"", Op.CO),
                arguments("a PR", Op.PR));
    }

    @Test
    void logicalKeywordsAreCaseInsensitive() {
        assertThat(Filter.parse("a pr AND b pr Or NOT (c pr)"))
                .isEqualTo(new Or(new And(present("a"), present("b")), new Not(present("c"))));
    }

    @Test
    void attributeNamesAreCaseSensitive() {
        assertThat(Filter.parse("Status eq \"x\"")).isEqualTo(cmp("Status", Op.EQ, "x"));
        assertThat(Filter.parse("Status eq \"x\"")).isNotEqualTo(Filter.parse("status eq \"x\""));
    }

    @Test
    void attributesThatStartWithAKeywordAreNotKeywords() {
        assertThat(Filter.parse("notes pr or order pr and android pr"))
                .isEqualTo(new Or(present("notes"), new And(present("order"), present("android"))));
    }

    @Test
    void andBindsTighterThanOr() {
        assertThat(Filter.parse("a pr or b pr and c pr"))
                .isEqualTo(new Or(present("a"), new And(present("b"), present("c"))));
        assertThat(Filter.parse("a pr and b pr or c pr"))
                .isEqualTo(new Or(new And(present("a"), present("b")), present("c")));
    }

    @Test
    void parenthesesOverridePrecedence() {
        assertThat(Filter.parse("(a pr or b pr) and c pr"))
                .isEqualTo(new And(new Or(present("a"), present("b")), present("c")));
    }

    @Test
    void chainsOfTheSameOperatorGroupFromTheLeft() {
        assertThat(Filter.parse("a pr and b pr and c pr"))
                .isEqualTo(new And(new And(present("a"), present("b")), present("c")));
        assertThat(Filter.parse("a pr or b pr or c pr"))
                .isEqualTo(new Or(new Or(present("a"), present("b")), present("c")));
    }

    @Test
    void notAppliesToTheFollowingComparisonOnly() {
        assertThat(Filter.parse("not a pr and b pr")).isEqualTo(new And(new Not(present("a")), present("b")));
    }

    @Test
    void notAppliesToTheFollowingParenthesisedExpression() {
        assertThat(Filter.parse("not (a pr or b pr)")).isEqualTo(new Not(new Or(present("a"), present("b"))));
        assertThat(Filter.parse("NOT(a pr)")).isEqualTo(new Not(present("a")));
        assertThat(Filter.parse("not not a pr")).isEqualTo(new Not(new Not(present("a"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapedStrings")
    void stringsUnescapeQuotesAndBackslashes(String expression, String value) {
        assertThat(Filter.parse(expression)).isEqualTo(cmp("a", Op.EQ, value));
    }

    static Stream<Arguments> escapedStrings() {
        return Stream.of(
                arguments("a eq \"say \\\"hi\\\"\"", "say \"hi\""),
                arguments("a eq \"C:\\\\temp\"", "C:\\temp"),
                arguments("a eq \"\\\\\\\"\"", "\\\""),
                arguments("a eq \"\\\\\"", "\\"));
    }

    static Stream<Arguments> invalidExpressions() {
        return Stream.of(
                arguments(null, "Invalid filter: the expression is empty"),
                arguments("", "Invalid filter: the expression is empty"),
                arguments("  \t ", "Invalid filter: the expression is empty"),
                arguments("status", "Invalid filter: expected an operator after 'status' at position 7"),
                arguments("status \"ACTIVE\"",
                        "Invalid filter: expected an operator after 'status' but found '\"' at position 8"),
                arguments("status equals \"ACTIVE\"", "Invalid filter: unknown operator 'equals' at position 8"),
                arguments("status eq", "Invalid filter: expected a value after 'eq' at position 10"),
                arguments("status eq )", "Invalid filter: expected a value after 'eq' but found ')' at position 11"),
                arguments("status eq ACTIVE", "Invalid filter: expected a value (a quoted string, number, true, false"
                        + " or null) but found 'ACTIVE' at position 11"),
                arguments("status eq \"ACTIVE", "Invalid filter: unterminated string starting at position 11"),
                arguments("status eq \"ACTIVE\\\"", "Invalid filter: unterminated string starting at position 11"),
                arguments("status eq \"a\\nb\"",
                        "Invalid filter: invalid escape '\\n' in a string (use \\\" or \\\\) at position 13"),
                arguments("status eq \"ACTIVE\" extra", "Invalid filter: expected 'and', 'or' or the end of the"
                        + " expression but found 'extra' at position 20"),
                arguments("a pr b pr", "Invalid filter: expected 'and', 'or' or the end of the expression but found"
                        + " 'b' at position 6"),
                arguments("a pr \"x\"", "Invalid filter: expected 'and', 'or' or the end of the expression but"
                        + " found '\"' at position 6"),
                arguments("(a pr", "Invalid filter: missing ')' for the '(' at position 1"),
                arguments("((a pr) or (b pr)", "Invalid filter: missing ')' for the '(' at position 1"),
                arguments("a pr)", "Invalid filter: unmatched ')' at position 5"),
                arguments("(a pr b pr)", "Invalid filter: expected 'and', 'or' or ')' but found 'b' at position 7"),
                arguments("()", "Invalid filter: expected an attribute name but found ')' at position 2"),
                arguments("a pr and", "Invalid filter: expected an attribute name at position 9"),
                arguments("a pr or or b pr", "Invalid filter: expected an attribute name but found 'or' at position 9"),
                arguments("and a pr", "Invalid filter: expected an attribute name but found 'and' at position 1"),
                arguments("not", "Invalid filter: expected an attribute name at position 4"),
                arguments("profile-email pr",
                        "Invalid filter: expected an operator after 'profile' but found '-' at position 8"),
                arguments("a sw 5", "Invalid filter: operator 'sw' needs a string value at position 6"),
                arguments("a co null", "Invalid filter: operator 'co' needs a string value at position 6"),
                arguments("a gt true", "Invalid filter: operator 'gt' needs a string or number value at position 6"),
                arguments("a le null", "Invalid filter: operator 'le' needs a string or number value at position 6"),
                arguments("a eq 99999999999999999999",
                        "Invalid filter: number 99999999999999999999 is out of range at position 6"),
                arguments("a eq 1e999", "Invalid filter: number 1e999 is out of range at position 6"),
                arguments("a eq 1.", "Invalid filter: expected a value (a quoted string, number, true, false or null)"
                        + " but found '1.' at position 6"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidExpressions")
    void invalidExpressionsAreRejectedWithAMessageThatSaysWhereAndWhy(String expression, String message) {
        assertThatThrownBy(() -> Filter.parse(expression)).isInstanceOf(InvalidFilter.class).hasMessage(message);
    }

    @Test
    void deepNestingIsRejectedInsteadOfOverflowingTheStack() {
        String deep = "(".repeat(10_000) + "a pr" + ")".repeat(10_000);
        assertThatThrownBy(() -> Filter.parse(deep))
                .isInstanceOf(InvalidFilter.class)
                .hasMessage("Invalid filter: the expression is nested too deeply at position 65");
        assertThat(Filter.parse("(".repeat(30) + "a pr" + ")".repeat(30))).isEqualTo(present("a"));
    }

    static Stream<Arguments> sqlTranslations() {
        return Stream.of(
                arguments("status eq \"ACTIVE\"", "u.status = :f0", Map.of("f0", "ACTIVE")),
                arguments("status ne \"ACTIVE\"", "u.status <> :f0", Map.of("f0", "ACTIVE")),
                arguments("lastUpdated gt \"2026-01-01\"", "u.last_updated > :f0", Map.of("f0", "2026-01-01")),
                arguments("age ge 18", "u.age >= :f0", Map.of("f0", 18L)),
                arguments("age lt 65.5", "u.age < :f0", Map.of("f0", 65.5)),
                arguments("age le 65", "u.age <= :f0", Map.of("f0", 65L)),
                arguments("admin eq true", "u.admin = :f0", Map.of("f0", true)),
                arguments("profile.mobilePhone pr", "u.mobile_phone IS NOT NULL", Map.of()),
                arguments("profile.mobilePhone eq null", "u.mobile_phone IS NULL", Map.of()),
                arguments("profile.mobilePhone ne null", "u.mobile_phone IS NOT NULL", Map.of()),
                arguments("status sw \"ACT\"", "u.status LIKE :f0 ESCAPE '!'", Map.of("f0", "ACT%")),
                arguments("status ew \"IVE\"", "u.status LIKE :f0 ESCAPE '!'", Map.of("f0", "%IVE")),
                arguments("status co \"TIV\"", "u.status LIKE :f0 ESCAPE '!'", Map.of("f0", "%TIV%")),
                arguments("profile.login eq \"Bob@Example.com\"", "LOWER(u.login) = LOWER(:f0)",
                        Map.of("f0", "Bob@Example.com")),
                arguments("profile.login ne \"bob\"", "LOWER(u.login) <> LOWER(:f0)", Map.of("f0", "bob")),
                arguments("profile.email sw \"Bob\"", "LOWER(u.email) LIKE LOWER(:f0) ESCAPE '!'",
                        Map.of("f0", "Bob%")),
                arguments("profile.login eq 42", "u.login = :f0", Map.of("f0", 42L)),
                arguments("status eq \"A\" and age gt 1", "u.status = :f0 AND u.age > :f1",
                        Map.of("f0", "A", "f1", 1L)),
                arguments("status eq \"A\" or age gt 1", "(u.status = :f0 OR u.age > :f1)",
                        Map.of("f0", "A", "f1", 1L)),
                arguments("admin pr or status pr and age pr",
                        "(u.admin IS NOT NULL OR u.status IS NOT NULL AND u.age IS NOT NULL)", Map.of()),
                arguments("(admin pr or status pr) and age pr",
                        "(u.admin IS NOT NULL OR u.status IS NOT NULL) AND u.age IS NOT NULL", Map.of()),
                arguments("admin pr or status pr or age pr",
                        "(u.admin IS NOT NULL OR u.status IS NOT NULL OR u.age IS NOT NULL)", Map.of()),
                arguments("not (status eq \"A\" and admin eq true)", "NOT (u.status = :f0 AND u.admin = :f1)",
                        Map.of("f0", "A", "f1", true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sqlTranslations")
    void translatesToSqlWithNamedBinds(String expression, String sql, Map<String, Object> binds) {
        Map<String, Object> actual = new LinkedHashMap<>();
        assertThat(Filter.toSql(Filter.parse(expression), COLUMNS, CASE_INSENSITIVE, actual)).isEqualTo(sql);
        assertThat(actual).isEqualTo(binds);
    }

    @Test
    void likeValuesHaveWildcardsAndTheEscapeCharacterEscaped() {
        Map<String, Object> binds = new LinkedHashMap<>();
        String sql = Filter.toSql(Filter.parse("status co \"50%_off!\" or status sw \"a\\\\b\""),
                COLUMNS, CASE_INSENSITIVE, binds);
        assertThat(sql).isEqualTo("(u.status LIKE :f0 ESCAPE '!' OR u.status LIKE :f1 ESCAPE '!')");
        assertThat(binds).containsExactly(Map.entry("f0", "%50!%!_off!!%"), Map.entry("f1", "a\\b%"));
    }

    @Test
    void generatedSqlHasNoBackslashThatJdbiWouldReadAsAnEscapedQuote() {
        Filter filter = Filter.parse("status sw \"a\" and profile.email ew \"b\" and not (status co \"\\\\\")");
        String sql = Filter.toSql(filter, COLUMNS, CASE_INSENSITIVE, new LinkedHashMap<>());
        assertThat(sql).doesNotContain("\\");
    }

    @Test
    void bindNamesSkipNamesTheCallerAlreadyUses() {
        Map<String, Object> binds = new LinkedHashMap<>(Map.of("f0", "tenant"));
        String sql = Filter.toSql(Filter.parse("status eq \"A\" and age gt 3"), COLUMNS, CASE_INSENSITIVE, binds);
        assertThat(sql).isEqualTo("u.status = :f1 AND u.age > :f2");
        assertThat(binds).containsExactly(Map.entry("f0", "tenant"), Map.entry("f1", "A"), Map.entry("f2", 3L));
    }

    @Test
    void attributesWithoutAColumnAreRejected() {
        assertThatThrownBy(() -> Filter.toSql(Filter.parse("status eq \"A\" or profile.secret pr"),
                COLUMNS, CASE_INSENSITIVE, new LinkedHashMap<>()))
                .isInstanceOf(InvalidFilter.class)
                .hasMessage("Invalid filter: unsupported attribute 'profile.secret'");
    }

    @Test
    void attributeLookupIsCaseSensitive() {
        Filter filter = Filter.parse("STATUS pr");
        assertThatThrownBy(() -> Filter.toSql(filter, COLUMNS, CASE_INSENSITIVE, new LinkedHashMap<>()))
                .isInstanceOf(InvalidFilter.class)
                .hasMessage("Invalid filter: unsupported attribute 'STATUS'");
    }

    @Test
    void valuesNeverAppearInTheSql() {
        Map<String, Object> binds = new LinkedHashMap<>();
        String sql = Filter.toSql(Filter.parse("status eq \"x' OR '1'='1\""), COLUMNS, CASE_INSENSITIVE, binds);
        assertThat(sql).isEqualTo("u.status = :f0");
        assertThat(binds).containsEntry("f0", "x' OR '1'='1");
    }
}
