package dev.gatehouse.oauth.claims;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression an administrator wrote (a GROUPS claim's REGEX filter, {@code isMemberOfGroupNameRegex}),
 * matched with a bounded amount of work: the input is read through a counter that stops the match after
 * {@link #MAX_READS} character reads, so a catastrophic pattern such as {@code (a+)+$} cannot hold a token request.
 */
public final class BoundedRegex {

    public static final int MAX_PATTERN = 1024;
    static final int MAX_READS = 100_000;

    private final Pattern pattern;

    private BoundedRegex(Pattern pattern) {
        this.pattern = pattern;
    }

    /** The compiled pattern, or {@link IllegalArgumentException} with the parser's description and position. */
    public static BoundedRegex compile(String regex) {
        if (regex == null || regex.isEmpty()) {
            throw new IllegalArgumentException("The regular expression is empty");
        }
        if (regex.length() > MAX_PATTERN) {
            throw new IllegalArgumentException("The regular expression cannot be longer than " + MAX_PATTERN + " characters");
        }
        try {
            return new BoundedRegex(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid regular expression at position " + Math.max(e.getIndex(), 0) + ": "
                    + e.getDescription());
        }
    }

    /** Whether the whole of {@code text} matches; a match that reads too much fails with {@link IllegalStateException}. */
    public boolean matches(String text) {
        return text != null && pattern.matcher(new Counted(text)).matches();
    }

    private static final class Counted implements CharSequence {
        private final String text;
        private final int[] reads;

        Counted(String text) {
            this(text, new int[1]);
        }

        private Counted(String text, int[] reads) {
            this.text = text;
            this.reads = reads;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > MAX_READS) {
                throw new IllegalStateException("The regular expression took too long to match");
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counted(text.substring(start, end), reads);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
