package dev.gatehouse.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Logins}: the one definition of "the same login", and which logins may not be stored. */
class LoginsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "admin@x.example",
            "ADMIN@X.EXAMPLE",
            "Admin@x.Example",
            "\uFF41\uFF44\uFF4D\uFF49\uFF4E\uFF20\uFF58\uFF0E\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45",   // full width, @ and . too
            "\uFF21\uFF24\uFF2D\uFF29\uFF2E@x.example",                                                      // full-width capitals
            " admin@x.example ",
            "\tadmin@x.example\n",
            "\u00A0admin@x.example\u00A0",     // no-break spaces (NFKC: a space), as pasted from a web page
            "\u3000admin@x.example\u2003",     // ideographic and em space
            "\u202Fadmin@x.example\u2009",     // narrow no-break and thin space
    })
    void variantsOfOneLoginHaveOneKey(String variant) {
        assertThat(Logins.key(variant)).contains("admin@x.example");
    }

    @Test
    void ligaturesSharpSAndFinalSigmaCompareAsTheirPlainForms() {
        assertThat(Logins.key("\uFB01nance@x.example")).isEqualTo(Logins.key("finance@x.example")).contains("finance@x.example");
        assertThat(Logins.key("\uFB00@x.example")).isEqualTo(Logins.key("FF@x.example"));
        assertThat(Logins.key("stra\u00DFe@x.example")).isEqualTo(Logins.key("STRASSE@x.example")).contains("strasse@x.example")
                .isEqualTo(Logins.key("STRA\u1E9EE@x.example"));
        assertThat(Logins.key("\u03BF\u03B4\u03BF\u03C2@x.example")).isEqualTo(Logins.key("\u039F\u0394\u039F\u03A3@x.example"));
        assertThat(Logins.key("jose\u0301@x.example")).as("a combining accent composes (NFKC)").isEqualTo(Logins.key("jos\u00E9@x.example"));
        assertThat(Logins.key("\u212Aelvin@x.example")).as("KELVIN SIGN").isEqualTo(Logins.key("kelvin@x.example"));
    }

    @Test
    void differentLoginsKeepDifferentKeys() {
        assertThat(Logins.key("admin@x.example")).isNotEqualTo(Logins.key("admin2@x.example"));
        assertThat(Logins.key("ad min@x.example")).as("inner white space is not removed").isNotEqualTo(Logins.key("admin@x.example"));
        assertThat(Logins.key("ad\u200Bmin@x.example")).as("nor an invisible character: such a login cannot be stored")
                .isNotEqualTo(Logins.key("admin@x.example"));
    }

    @Test
    void nothingThatNoLoginCanBeHasAKey() {
        assertThat(Logins.key(null)).isEmpty();
        assertThat(Logins.key("")).isEmpty();
        assertThat(Logins.key(" \u00A0\u3000\t")).isEmpty();
        assertThat(Logins.key("a".repeat(1025))).as("over-long input is not normalised at all").isEmpty();
        assertThat(Logins.key(" ".repeat(1000) + "admin@x.example")).contains("admin@x.example");
        assertThat(Logins.key("\uFDFA".repeat(20))).as("NFKC expands U+FDFA to 18 characters: past the column").isEmpty();
    }

    @Test
    void theKeyOfAKeyIsItselfForEveryCodePoint() {
        List<String> broken = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            String c = Character.toString(cp);
            for (String s : new String[]{c, "a" + c + "@x", c + "b"}) {
                Optional<String> k = Logins.key(s);
                if (k.isPresent() && !Logins.key(k.get()).equals(k)) {
                    broken.add(String.format("U+%04X in '%s'", cp, s));
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ad\u200Bmin@x.example",      // ZERO WIDTH SPACE (Cf)
            "ad\u00ADmin@x.example",      // SOFT HYPHEN (Cf)
            "\u202Eelpmaxe.x@nimda",      // RIGHT-TO-LEFT OVERRIDE (Cf)
            "admin@x.example\uFEFF",      // BYTE ORDER MARK (Cf)
            "ad\u200Dmin@x.example",      // ZERO WIDTH JOINER (Cf)
            "ad\u2060min@x.example",      // WORD JOINER (Cf)
            "ad\u0007min@x.example",      // BELL (Cc)
            "ad\u0085min@x.example",      // NEXT LINE (Cc, white space)
            "ad\u2028min@x.example",      // LINE SEPARATOR (Zl)
            "ad\u2029min@x.example",      // PARAGRAPH SEPARATOR (Zp)
            "ad\u00A0min@x.example",      // NO-BREAK SPACE inside (Zs)
            "admin@x.example\u3000",      // IDEOGRAPHIC SPACE at the end (Zs)
            "ad\u034Fmin@x.example",      // COMBINING GRAPHEME JOINER (Mn, default ignorable)
            "ad\u3164min@x.example",      // HANGUL FILLER (Lo, default ignorable)
            "ad\uFFA0min@x.example",      // HALFWIDTH HANGUL FILLER
            "ad\uFE0Fmin@x.example",      // VARIATION SELECTOR-16
            "ad\u180Emin@x.example",      // MONGOLIAN VOWEL SEPARATOR
            "ad\u2800min@x.example",      // BRAILLE PATTERN BLANK
            "ad\uE000min@x.example",      // private use
            "ad\uDB40\uDD00min@x.example", // VARIATION SELECTOR-17 (U+E0100)
            "ad\uDB40\uDC01min@x.example", // LANGUAGE TAG (U+E0001)
    })
    void loginsWithInvisibleOrControlCharactersAreRefusedNamingTheCharacter(String login) {
        assertThat(Logins.refusal(login)).hasValueSatisfying(why ->
                assertThat(why).startsWith("Username must not contain invisible, control or space characters (found U+"));
    }

    @Test
    void theRefusalNamesTheCharacterFound() {
        assertThat(Logins.refusal("ad\u200Bmin@x.example"))
                .contains("Username must not contain invisible, control or space characters (found U+200B)");
        assertThat(Logins.refusal("ad\uDB40\uDD00min@x.example")).hasValueSatisfying(why -> assertThat(why).contains("U+E0100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin@x.example", "jos\u00E9@x.example", "stra\u00DFe@x.de", "\u7528\u6237@\u4F8B\u5B50.\u4E2D\u56FD",
            "\uFF41dmin@x.example", "o'brien+tag@x.example", "\u0645\u062B\u0627\u0644@x.example"})
    void ordinaryLoginsInAnyScriptAreAccepted(String login) {
        assertThat(Logins.refusal(login)).isEmpty();
    }

    @Test
    void aLoginWhoseNormalizedFormIsTooLongIsRefused() {
        assertThat(Logins.refusal("a@" + "\u3316".repeat(17))).as("SQUARE KIROMEETORU is 6 characters once normalised: 2 + 17 x 6")
                .contains("Username cannot be longer than 100 characters once normalized (NFKC)");
    }

    @Test
    void theProfileSchemaRefusesSuchALoginWithALoginCause() {
        List<dev.gatehouse.errors.ApiError.Cause> causes = UserProfileSchema.check(java.util.Map.of("login", "ad\u200Bmin@x.example",
                "email", "admin@x.example", "firstName", "A", "lastName", "B"));
        assertThat(causes).extracting(dev.gatehouse.errors.ApiError.Cause::summary)
                .containsExactly("login: Username must not contain invisible, control or space characters (found U+200B)");
    }
}
