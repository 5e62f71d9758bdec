package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.directory.PasswordPolicy.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PasswordPolicy}: Okta's default rules, the common-password list, and the causes a broken rule gives. */
class PasswordPolicyTest {

    private static final PasswordPolicy POLICY = PasswordPolicy.DEFAULT;
    private static final String OKTA_TEXT = "Password requirements were not met. Password requirements: at least 8 characters, "
            + "a lowercase letter, an uppercase letter, a number, no parts of your username.";

    @Test
    void theRequirementsReadAsOktasDefaultPolicy() {
        assertThat(POLICY.requirements())
                .isEqualTo("at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username");
        assertThat(POLICY.formHelp()).isEqualTo("Requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, "
                + "no part of the username (its pieces of 4 or more characters between . , - _ # @), not a commonly used password, "
                + "at most 256 characters.");
    }

    @ParameterizedTest(name = "{0} for {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "Tr0ub4dor&3-horse      | ada@example.com          | ",
            "Correct-Horse-42       | admin@gatehouse.test     | ",
            "Sh0rt-A                | ada@example.com          | MIN_LENGTH",
            "alllowercase-42        | ada@example.com          | UPPER_CASE",
            "ALLUPPERCASE-42        | ada@example.com          | LOWER_CASE",
            "No-Digits-Anywhere     | ada@example.com          | NUMBER",
            "brockR0cks!            | isaac.brock@example.com  | USERNAME",
            "Isaac-is-42-today      | isaac.brock@example.com  | USERNAME",
            "Sturdy-Example-42      | isaac.brock@example.com  | USERNAME",
            "Ops-Dev-Stack-42       | dev-team_ops#1@corp.example | ",
            "Opsroom-42-Team        | dev-team_ops#1@corp.example | USERNAME",
            "Abc-xyz-1234Q          | abc@xyz.com              | ",
            "Xx-ab@cd.ef-1          | ab@cd.ef                 | USERNAME",
            "\uFF22\uFF32\uFF2F\uFF23\uFF2B-r0cks-Z | isaac.brock@example.com | USERNAME",
            "Password1              | ada@example.com          | COMMON",
            "Qwerty123!             | ada@example.com          | COMMON",
            "Dragon2024             | ada@example.com          | COMMON",
            "!!Monkey99             | ada@example.com          | COMMON",
            "password               | ada@example.com          | UPPER_CASE NUMBER COMMON",
            "'\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11zQ7' | ada@example.com | MIN_LENGTH",
    })
    void eachRuleIsCheckedOnItsOwn(String password, String login, String expected) {
        Set<Rule> rules = expected == null ? EnumSet.noneOf(Rule.class)
                : Arrays.stream(expected.trim().split(" ")).map(Rule::valueOf).collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        assertThat(POLICY.broken(password.strip(), login.strip())).isEqualTo(rules);
    }

    @Test
    void theComplexityRulesGiveOktasOneCauseWithTheWholePolicy() {
        assertThat(summaries(POLICY.check("short", "ada@example.com"))).containsExactly("password: " + OKTA_TEXT);
        assertThat(summaries(POLICY.check("adaLovelace-42", "ada.lovelace@example.com"))).containsExactly("password: " + OKTA_TEXT);
        assertThat(POLICY.check("Analytical-Engine-1843", "ada.lovelace@example.com")).isEmpty();
    }

    @Test
    void aCommonPasswordAndAnOverLongOneGetCausesOfTheirOwn() {
        assertThat(summaries(POLICY.check("Password1", "ada@example.com")))
                .containsExactly("password: This password was found in a list of commonly used passwords. Please try another password.");
        assertThat(summaries(POLICY.check("password", "ada@example.com"))).containsExactly("password: " + OKTA_TEXT,
                "password: This password was found in a list of commonly used passwords. Please try another password.");
        assertThat(summaries(POLICY.check("Aa1-" + "x".repeat(253), "ada@example.com")))
                .containsExactly("password: The field cannot be longer than 256 characters");
        assertThat(POLICY.check("Aa1-" + "x".repeat(252), "ada@example.com")).as("256 code points are allowed").isEmpty();
    }

    @Test
    void theCommonListIsZxcvbnsAndALookupIsFast() {
        assertThat(CommonPasswords.size()).isEqualTo(30_000);
        assertThat(CommonPasswords.isCommon("trustno1")).isTrue();
        assertThat(CommonPasswords.isCommon("Tr0ub4dor&3-horse")).isFalse();
        int n = 200_000;
        long start = System.nanoTime();
        int common = 0;
        for (int i = 0; i < n; i++) {
            common += CommonPasswords.isCommon((i % 2 == 0 ? "Summer" : "Zq-") + i + "!") ? 1 : 0;
        }
        double microsEach = (System.nanoTime() - start) / 1e3 / n;
        System.out.printf("Common-password lookup: %.3f µs each over %d lookups (%d common)%n", microsEach, n, common);
        assertThat(microsEach).as("µs per lookup").isLessThan(20.0);
        assertThat(common).as("Summer<digits>! is common, Zq-<digits>! is not").isEqualTo(n / 2);
    }

    @Test
    void generatedPasswordsAreTheFirstCandidateThatMeetsThePolicy() {
        Iterator<String> candidates = List.of("abcdefghijkl", "Password1", "admin-Gate-99", "Kx7-Pq2-Zm9-Wr4").iterator();
        assertThat(POLICY.firstAcceptable(candidates::next, "admin@gatehouse.localhost")).isEqualTo("Kx7-Pq2-Zm9-Wr4");
        assertThatThrownBy(() -> POLICY.firstAcceptable(() -> "weak", "a@b.c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void usernamePartsFollowOktasSplitAndIgnoreShortParts() {
        assertThat(PasswordPolicy.usernameParts("Isaac.Brock@Example.com")).containsExactly("isaac.brock@example.com", "isaac", "brock", "example");
        assertThat(PasswordPolicy.usernameParts("dev-team_ops#1,x@corp.example"))
                .containsExactly("dev-team_ops#1,x@corp.example", "team", "corp", "example");
    }

    private static List<String> summaries(List<ApiError.Cause> causes) {
        return causes.stream().map(ApiError.Cause::summary).toList();
    }
}
