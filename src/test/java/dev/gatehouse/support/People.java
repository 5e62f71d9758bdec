package dev.gatehouse.support;

import static org.assertj.core.api.Assertions.assertThat;

/** Creating people through the real management API, for tests that need more than the first admin. */
public final class People {

    private People() {
    }

    /** Creates an active user with a password and returns its id. */
    public static String create(Http http, String login, String password) {
        String body = """
                {"profile":{"firstName":"Test","lastName":"Person","email":"%s","login":"%s"},
                 "credentials":{"password":{"value":"%s"}}}""".formatted(login, login, password);
        Http.Response r = ApiClient.of(http).post("/api/v1/users?activate=true", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("id").asText();
    }
}
