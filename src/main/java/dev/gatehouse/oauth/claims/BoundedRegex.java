package dev.gatehouse.oauth.claims;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression an administrator wrote (a GROUPS claim's REGEX filter, {@code isMemberOfGroupNameRegex}),
 * matched with a bounded amount of work: the input is read through a counter that stops the match after
 * {@link #MAX_READS} character reads, so a catastrophic pattern such as {@code (a+)+$} cannot hold a token request.
 * Matching one pattern against all of a user's groups also shares one budget of {@link #MAX_SHARED_READS} reads
 * ({@link #anyMatch}, {@link #matches(String, int[])}), else a thousand groups would each get the whole budget.
 */
public final class BoundedRegex {

    public static final int MAX_PATTERN = 1024;
    static final int MAX_READS = 100_000;
    /** The reads of all the matches that share one budget (one filter over all of a user's groups). */
    static final int MAX_SHARED_READS = 1_000_000;

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
        return matches(text, new int[1]);
    }

    /** As {@link #matches(String)}, counting the reads in {@code reads}, a budget shared with other matches. */
    boolean matches(String text, int[] reads) {
        return text != null && pattern.matcher(new Counted(text, new int[1], reads)).matches();
    }

    /** Whether any of {@code texts} matches, all of them within one budget. */
    public boolean anyMatch(Iterable<String> texts) {
        int[] reads = new int[1];
        for (String text : texts) {
            if (matches(text, reads)) {
                return true;
            }
        }
        return false;
    }

    private static final class Counted implements CharSequence {
        private final String text;
        private final int[] reads;
        private final int[] shared;

        private Counted(String text, int[] reads, int[] shared) {
            this.text = text;
            this.reads = reads;
            this.shared = shared;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > MAX_READS || ++shared[0] > MAX_SHARED_READS) {
                throw new IllegalStateException("The regular expression took too long to match");
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counted(text.substring(start, end), reads, shared);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
