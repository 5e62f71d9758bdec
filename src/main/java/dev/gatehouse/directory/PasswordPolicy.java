package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The org's password policy: Okta's default password policy, applied whenever a password is set (create, update,
 * replace, an admin's reset, the first admin, the demo user) and never at sign-in, so a password set before these
 * rules keeps signing in.
 *
 * <p>What Okta's default policy requires, verified in Okta's Users API reference ("Default Password Policy": at least
 * 8 characters; an upper-case letter, a lower-case letter and a digit; not the login or parts of it "when split on the
 * following characters: , . _ # @"; the 2022 revision of that page, okta-developer-docs PR #3511, adds {@code -} and
 * "Okta only considers the parts of the sign-in ID that contain at least four characters") and in Okta's own client
 * code, okta-signin-widget {@code src/v3/src/util/passwordUtils.ts}, which says it copies the server's
 * {@code PasswordUtil}: the login is split on {@code , . - _ # @}, parts shorter than 4 characters are ignored (so a
 * {@code .com} is never a part; widget PR #3609 raised the minimum from 3 to 4 "to match backend logic"), and the
 * password may contain no part, compared without regard to case; a lower-case letter is {@code \p{Ll}}, an
 * upper-case letter {@code \p{Lu}}, a number {@code [0-9]}. Gatehouse also refuses the whole login (Okta's reference
 * says "the user's login or parts of it"), compares after NFKC ({@link Logins#fold}, so full-width letters do not
 * hide a part), and counts length in code points.
 *
 * <p>The error is Okta's: 400 {@code E0000001} "Api validation failed: password" with one cause, {@code password:
 * Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase
 * letter, a number, no parts of your username.}: the whole policy, as Okta lists it, not only the rule that failed
 * (Okta's release notes 2018.09 show this text as the cause of a Users API create; okta-signin-widget's test data
 * carries it verbatim; Okta's SDK users match "Api validation failed: password" and "password: Password requirements
 * were not met"; each rule reads as the widget's {@code password.complexity.*} string). A common password gets Okta's second message
 * ({@code password.common}: "This password was found in a list of commonly used passwords. Please try another
 * password."), as a cause of its own. The maximum length (Gatehouse's own limit, against hashing huge inputs) has a
 * cause of its own too, worded as the profile's length causes.
 */
public record PasswordPolicy(int minLength, int maxLength, boolean lowerCase, boolean upperCase, boolean number,
                             boolean excludeUsername, boolean commonPasswordCheck) {

    public static final PasswordPolicy DEFAULT = new PasswordPolicy(8, 256, true, true, true, true, true);

    /** Okta's message for a common password (okta-signin-widget login.properties {@code password.common}). */
    public static final String COMMON = "This password was found in a list of commonly used passwords. Please try another password.";

    /** Okta's parts of a login: split on these, parts of at least {@value #MIN_PART_LENGTH} characters. */
    private static final Pattern DELIMITERS = Pattern.compile("[,._#@-]");
    static final int MIN_PART_LENGTH = 4;

    /** One rule of the policy, for tests and for saying which rules a password broke. */
    public enum Rule { MIN_LENGTH, LOWER_CASE, UPPER_CASE, NUMBER, USERNAME, MAX_LENGTH, COMMON }

    public PasswordPolicy {
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("Invalid password length range " + minLength + ".." + maxLength);
        }
    }

    /** Okta's text for the policy: "at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username". */
    public String requirements() {
        List<String> parts = new ArrayList<>();
        parts.add("at least " + minLength + " characters");
        if (lowerCase) {
            parts.add("a lowercase letter");
        }
        if (upperCase) {
            parts.add("an uppercase letter");
        }
        if (number) {
            parts.add("a number");
        }
        if (excludeUsername) {
            parts.add("no parts of your username");
        }
        return String.join(", ", parts);
    }

    /**
     * The rules as an admin setting someone's password reads them on a form: Okta's list, said of "the username" rather
     * than "your username", with what a part is, and the two rules Okta's list does not name.
     */
    public String formHelp() {
        String s = "Requirements: " + requirements().replace("no parts of your username",
                "no part of the username (its pieces of " + MIN_PART_LENGTH + " or more characters between . , - _ # @)");
        if (commonPasswordCheck) {
            s += ", not a commonly used password";
        }
        return s + ", at most " + maxLength + " characters.";
    }

    /** The rules {@code password} breaks for a user with this login (none: the password may be set). */
    public Set<Rule> broken(String password, String login) {
        Set<Rule> out = EnumSet.noneOf(Rule.class);
        String p = password == null ? "" : password;
        int length = p.codePointCount(0, p.length());
        if (length < minLength) {
            out.add(Rule.MIN_LENGTH);
        }
        if (length > maxLength) {
            out.add(Rule.MAX_LENGTH);
            return out;   // not worth reading further; a 10 MB "password" costs nothing more
        }
        if (lowerCase && p.codePoints().noneMatch(c -> Character.getType(c) == Character.LOWERCASE_LETTER)) {
            out.add(Rule.LOWER_CASE);
        }
        if (upperCase && p.codePoints().noneMatch(c -> Character.getType(c) == Character.UPPERCASE_LETTER)) {
            out.add(Rule.UPPER_CASE);
        }
        if (number && p.chars().noneMatch(c -> c >= '0' && c <= '9')) {
            out.add(Rule.NUMBER);
        }
        if (excludeUsername && containsUsername(p, login)) {
            out.add(Rule.USERNAME);
        }
        if (commonPasswordCheck && CommonPasswords.isCommon(p)) {
            out.add(Rule.COMMON);
        }
        return out;
    }

    /** The {@code password} causes when {@code password} breaks the policy for a user with this login; empty when it does not. */
    public List<ApiError.Cause> check(String password, String login) {
        Set<Rule> broken = broken(password, login);
        List<ApiError.Cause> causes = new ArrayList<>();
        if (broken.stream().anyMatch(r -> r != Rule.MAX_LENGTH && r != Rule.COMMON)) {
            causes.add(new ApiError.Cause("password", "Password requirements were not met. Password requirements: " + requirements() + "."));
        }
        if (broken.contains(Rule.MAX_LENGTH)) {
            causes.add(new ApiError.Cause("password", "The field cannot be longer than " + maxLength + " characters"));
        }
        if (broken.contains(Rule.COMMON)) {
            causes.add(new ApiError.Cause("password", COMMON));
        }
        return causes;
    }

    /**
     * The first of {@code candidates} that meets the policy for this login: generated passwords (the first admin's,
     * the demo user's) must meet it too. Random 20-character base62 strings miss a digit about 3 % of the time.
     */
    public String firstAcceptable(Supplier<String> candidates, String login) {
        for (int i = 0; i < 1_000; i++) {
            String candidate = candidates.get();
            if (broken(candidate, login).isEmpty()) {
                return candidate;
            }
        }
        throw new IllegalStateException("No generated password met the password policy in 1,000 tries");
    }

    /** The login and its parts (Okta's split), folded; a password that contains any of them breaks {@link Rule#USERNAME}. */
    static List<String> usernameParts(String login) {
        List<String> out = new ArrayList<>();
        if (login == null || login.isBlank()) {
            return out;
        }
        String folded = Logins.fold(login.strip());
        out.add(folded);
        for (String part : DELIMITERS.split(folded)) {
            if (part.codePointCount(0, part.length()) >= MIN_PART_LENGTH) {
                out.add(part);
            }
        }
        return out;
    }

    private static boolean containsUsername(String password, String login) {
        String folded = Logins.fold(password);
        return usernameParts(login).stream().anyMatch(folded::contains);
    }
}
