package dev.gatehouse.directory;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * The one definition of "the same login", used by every path that compares logins: password sign-in and its lockout
 * counter ({@link PasswordSignIn}), the per-username sign-in rate limit ({@code http/RateLimitFilter}), the Users API
 * and the console (get by login, {@code q}, {@code filter} and {@code search} on {@code profile.login}), and uniqueness
 * (the {@code users.login_key} column holds {@link #keyOf} of the stored login, under a unique index).
 *
 * <p>A stored login keeps the form the admin typed, as at Okta; only comparisons use the key: Unicode NFKC (so
 * full-width {@code ａｄｍｉｎ}, ligatures such as {@code ﬁ}, and compatibility spaces compare as their plain forms),
 * Unicode white space at the ends removed (a sign-in form pasted with a no-break or ideographic space), then case
 * folded (lower, upper, then lower case, in the root locale, so {@code ß}/{@code ẞ}/{@code SS}/{@code ss} and
 * {@code ς}/{@code σ} compare equal), then NFKC again (case mapping can leave a string that is not in NFKC). {@code key(key(x)) = key(x)}
 * for every string ({@code LoginsTest} checks every code point).
 *
 * <p>A login that could look like another is refused when it is stored ({@link #refusal}): control characters
 * (Cc), format characters (Cf: zero-width space U+200B, soft hyphen U+00AD, the bidirectional overrides such as
 * U+202E, the BOM U+FEFF...), line and paragraph separators (Zl, Zp), any space or white space (Zs, White_Space),
 * surrogates, private-use and unassigned code points, and the other default-ignorable code points of Unicode's
 * DerivedCoreProperties.txt that are not in those categories (the combining grapheme joiner, the Hangul fillers,
 * the Mongolian free variation selectors and the variation selectors): each renders as nothing or as blank space.
 * Okta is silent on this; what Gatehouse refuses is written here and in {@code LoginsTest}. Confusable letters of
 * other scripts (a Cyrillic {@code а} for a Latin {@code a}) are not refused: that needs Unicode's confusables data
 * (UTS #39), which is out of scope here.
 */
public final class Logins {

    /** The longest key a lookup considers: the {@code users.login_key} column's size. */
    public static final int MAX_KEY_LENGTH = 255;
    /** Longer input is no login of anyone's (the profile allows 100 characters): it is not normalised at all. */
    private static final int MAX_TYPED_LENGTH = 1024;
    /** The longest key a stored login may have: the profile's limit for the login, applied to its normalised form too. */
    static final int MAX_STORED_KEY_LENGTH = 100;

    private Logins() {
    }

    /**
     * The comparison key of what someone typed as a login (sign-in form, API path, rate limit), or empty when no
     * stored login can have it (null, blank, or longer than any login).
     */
    public static Optional<String> key(String typed) {
        if (typed == null || typed.length() > MAX_TYPED_LENGTH) {
            return Optional.empty();
        }
        String k = fold(Normalizer.normalize(typed, Normalizer.Form.NFKC).strip());
        return k.isEmpty() || k.length() > MAX_KEY_LENGTH ? Optional.empty() : Optional.of(k);
    }

    /** The key of a login that is being stored (valid by {@link UserProfileSchema}); never empty. */
    static String keyOf(String login) {
        return key(login).orElseThrow(() -> new IllegalArgumentException("Not a storable login"));
    }

    /**
     * NFKC and case folding without trimming: for the value of a {@code filter}/{@code search} expression on
     * {@code profile.login}, compared with the stored keys (also for {@code sw}, {@code ew} and {@code co} parts).
     */
    static String fold(String s) {
        String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC);
        // Lower, upper, lower: upper case alone would leave U+1E9E CAPITAL SHARP S as ß (its upper case is itself), whose
        // key would then be "ss": the result would not be its own key.
        String folded = nfkc.toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFKC);
    }

    /**
     * Why this login may not be stored, as the message of a {@code login} cause, or empty when it may. Checks the
     * login as typed and its NFKC form.
     */
    public static Optional<String> refusal(String login) {
        if (login == null) {
            return Optional.empty();
        }
        for (String form : new String[]{login, Normalizer.normalize(login, Normalizer.Form.NFKC)}) {
            int bad = form.codePoints().filter(Logins::invisible).findFirst().orElse(-1);
            if (bad >= 0) {
                return Optional.of("Username must not contain invisible, control or space characters (found "
                        + String.format(Locale.ROOT, "U+%04X", bad) + ")");
            }
        }
        Optional<String> k = key(login);
        // A login over 100 characters as typed already has the profile's length cause; this is for one that grows.
        if (login.length() <= MAX_STORED_KEY_LENGTH && (k.isEmpty() || k.get().length() > MAX_STORED_KEY_LENGTH)) {
            return Optional.of("Username cannot be longer than " + MAX_STORED_KEY_LENGTH + " characters once normalized (NFKC)");
        }
        return Optional.empty();
    }

    /** True for a code point that renders as nothing, as blank space, or as a control; see the class comment. */
    static boolean invisible(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> {
                return true;
            }
            default -> {
                // below
            }
        }
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || otherDefaultIgnorable(cp);
    }

    /**
     * The Default_Ignorable_Code_Point characters (Unicode 16 DerivedCoreProperties.txt) whose general category is not
     * Cc, Cf, Cn or Zs, so the category test above does not catch them: U+034F COMBINING GRAPHEME JOINER, U+115F and
     * U+1160 HANGUL CHOSEONG/JUNGSEONG FILLER, U+17B4..17B5 KHMER VOWEL INHERENT AQ/AA, U+180B..180F MONGOLIAN FREE
     * VARIATION SELECTORS, U+3164 HANGUL FILLER, U+FE00..FE0F VARIATION SELECTORS, U+FFA0 HALFWIDTH HANGUL FILLER and
     * U+E0100..E01EF VARIATION SELECTORS SUPPLEMENT; and U+2800 BRAILLE PATTERN BLANK, which is not ignorable but
     * renders as blank space.
     */
    private static boolean otherDefaultIgnorable(int cp) {
        return cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
                || (cp >= 0x180B && cp <= 0x180F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFFA0
                || (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x2800;
    }
}
