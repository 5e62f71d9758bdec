package dev.gatehouse.oauth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OidcScopes#parse} splits by hand (issue #9); it must give exactly what the regex split gave. */
class OidcScopesTest {

    /** The former implementation, kept here as the reference. */
    private static List<String> byRegex(String scope) {
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        return List.copyOf(new LinkedHashSet<>(Arrays.stream(scope.trim().split("[ ]+")).toList()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "openid", "openid profile", "  openid   profile  ", "openid openid profile openid",
            "a\tb c", "\topenid profile\n", "openid\u00a0profile", "x  y   z", "offline_access openid email groups", " a"})
    void splitsLikeTheRegexDid(String scope) {
        assertThat(OidcScopes.parse(scope)).isEqualTo(byRegex(scope));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openid  profile openid"})
    void dropsDuplicatesKeepingFirstOrder(String scope) {
        assertThat(OidcScopes.parse(scope)).containsExactly("openid", "profile");
        assertThat(OidcScopes.parse(null)).isEmpty();
    }
}
