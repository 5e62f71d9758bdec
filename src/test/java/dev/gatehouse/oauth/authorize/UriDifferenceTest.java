package dev.gatehouse.oauth.authorize;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the sign-in doctor words the difference between a sent redirect URI and the closest registered one (issue #21). */
class UriDifferenceTest {

    @Test
    void eachPartIsNamedInTheWordsAnAdminFixesItIn() {
        assertThat(UriDifference.parts("http://localhost:8080/cb/", "http://localhost:8080/cb")).containsExactly("trailing slash");
        assertThat(UriDifference.parts("https://localhost:8080/cb", "http://localhost:8080/cb")).containsExactly("scheme");
        assertThat(UriDifference.parts("http://LOCALHOST:8080/cb", "http://localhost:8080/cb")).containsExactly("host's case");
        assertThat(UriDifference.parts("http://localhost:3000/cb", "http://localhost:8080/cb")).containsExactly("port");
        assertThat(UriDifference.parts("http://localhost:8080/Callback", "http://localhost:8080/callback")).containsExactly("path's case");
        assertThat(UriDifference.parts("http://localhost:8080/login", "http://localhost:8080/cb")).containsExactly("path");
        assertThat(UriDifference.parts("https://app.example/cb?x=1", "https://app.example/cb")).containsExactly("query");
        assertThat(UriDifference.parts("https://app.example:443/cb", "https://app.example/cb")).as("the default port is the same port").isEmpty();
        assertThat(UriDifference.parts("not a uri", "https://app.example/cb")).containsExactly("whole URI");
    }

    @Test
    void theClosestIsTheOneWithFewestDifferingPartsThenTheSmallestEdit() {
        List<String> registered = List.of("https://app.example/callback", "http://localhost:8080/login/callback", "http://localhost:8080/other");
        UriDifference.Closest c = UriDifference.closest("http://localhost:8080/login/callback/", registered).orElseThrow();
        assertThat(c.registered()).isEqualTo("http://localhost:8080/login/callback");
        assertThat(c.describe()).isEqualTo("the trailing slash");
        assertThat(UriDifference.closest("https://localhost:3000/login/callback", registered).orElseThrow().describe())
                .isEqualTo("the scheme and the port");
        assertThat(UriDifference.closest("http://x", List.of())).isEmpty();
        assertThat(UriDifference.distance("a".repeat(100_000), "b".repeat(100_000))).as("bounded work").isEqualTo(512);
    }
}
