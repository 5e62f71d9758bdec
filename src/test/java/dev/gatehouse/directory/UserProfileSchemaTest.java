package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The profile and password rules the API and the console share. */
class UserProfileSchemaTest {

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("login", "ada@example.com");
        m.put("email", "ada@example.com");
        m.put("firstName", "Ada");
        m.put("lastName", "Lovelace");
        return m;
    }

    @ParameterizedTest
    @CsvSource({"ada@example.com, true", "a.b+tag@sub.example.co.uk, true", "admin@localhost, true", "ada@, false",
            "@example.com, false", "ada example@example.com, false", "ada@@example.com, false", "ada@example..com, false",
            "ada@.example.com, false"})
    void emailPatternAcceptsWhatLooksLikeAnAddress(String email, boolean accepted) {
        Map<String, String> m = valid();
        m.put("email", email);
        assertThat(UserProfileSchema.check(m).isEmpty()).isEqualTo(accepted);
    }

    @Test
    void oktasLengthLimitsApply() {
        Map<String, String> m = valid();
        m.put("firstName", "x".repeat(51));
        m.put("login", "x".repeat(90) + "@example.com");
        assertThat(UserProfileSchema.check(m)).extracting(ApiError.Cause::summary).containsExactly(
                "firstName: The field cannot be longer than 50 characters", "login: The field cannot be longer than 100 characters");
    }

    @Test
    void blankOptionalAttributesAreAbsentAndExtrasAreKept() {
        Map<String, String> m = valid();
        m.put("displayName", "  ");
        m.put("nickName", "Countess");
        User.Profile p = UserProfileSchema.profile(m);
        assertThat(p.displayName()).isNull();
        assertThat(p.extra()).containsExactly(Map.entry("nickName", "Countess"));
        assertThat(p.name()).isEqualTo("Ada Lovelace");
    }

    @Test
    void mergeAppliesChangesAndRemovesNulls() {
        User.Profile base = UserProfileSchema.profile(Map.of("login", "a@example.com", "email", "a@example.com",
                "firstName", "A", "lastName", "B", "title", "Dr"));
        Map<String, String> changes = new HashMap<>();
        changes.put("title", null);
        changes.put("city", "London");
        User.Profile merged = UserProfileSchema.merge(base, changes);
        assertThat(merged.extra()).containsExactly(Map.entry("city", "London"));
        changes.put("lastName", null);
        assertThatThrownBy(() -> UserProfileSchema.merge(base, changes)).isInstanceOf(ApiError.class);
    }

    @ParameterizedTest
    @CsvSource({"Aa-1234, false", "Aa-12345, true", "Ada@Example.com1, false", "X-ada@example.com-9, false",
            "'\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11aA1', false",
            "'\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11aA1', true"})
    void passwordPolicyCountsCharactersAndRefusesTheLogin(String password, boolean accepted) {
        assertThat(PasswordPolicy.DEFAULT.check(password, "ada@example.com").isEmpty()).isEqualTo(accepted);
        assertThat(PasswordPolicy.DEFAULT.check("Aa1" + "x".repeat(254), "ada@example.com")).isNotEmpty();
        assertThat(PasswordPolicy.DEFAULT.check("Aa1" + "x".repeat(253), "ada@example.com")).isEmpty();
    }
}
