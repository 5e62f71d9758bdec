package dev.gatehouse.origins;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The origin value rules: normalised form, what is refused, and the origin of a redirect target. */
class OriginTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"HTTPS://App.Example.COM, https://app.example.com", "https://a.example:443, https://a.example",
            "http://a.example:80/, http://a.example", "ftp://files.example:21, ftp://files.example", "http://localhost:8080, http://localhost:8080",
            "http://[::1]:8080, http://[::1]:8080", "ionic://localhost, ionic://localhost", "https://a.example:80, https://a.example:80"})
    void normalisesSchemeHostAndDefaultPort(String value, String normalised) {
        assertThat(Origin.parse(value)).map(Origin::toString).contains(normalised);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "example.com", "//example.com", "https://", "https://a.example/p", "https://a.example?x", "https://a.example#",
            "https://a.example/#f", "https://u:p@a.example", "https://*.example", "file:///etc/passwd", "data:text/html,x", "https://a.example:65536",
            "https://a.example ", "http://a_b.example"})
    void refusesAnythingButSchemeHostAndPort(String value) {
        assertThat(Origin.parse(value)).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"https://App.Example/callback?x=1#y, https://app.example", "http://localhost:8080/, http://localhost:8080",
            "https://a.example:443/p, https://a.example"})
    void theOriginOfAnAbsoluteHttpUrl(String url, String origin) {
        assertThat(Origin.ofUrl(url)).map(Origin::toString).contains(origin);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/relative", "javascript:alert(1)", "ftp://a.example/x", "https:\\\\evil.example", "http://a.example/\tx",
            "https://user@a.example/"})
    void aTargetThatIsNotAPlainHttpUrlHasNoOrigin(String url) {
        assertThat(Origin.ofUrl(url)).isEmpty();
    }
}
