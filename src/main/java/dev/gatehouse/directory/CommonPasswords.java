package dev.gatehouse.directory;

import com.nulabinc.zxcvbn.StandardDictionaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The common-password check of the password policy: zxcvbn's list of the 30,000 most common passwords (from the
 * zxcvbn4j library, lower case, ranked by frequency in leaked-password corpora), held in a hash set once it is first
 * needed. A password is common when, in lower case, it is on the list, or when what is left after taking the digits,
 * symbols and spaces off both its ends is (so {@code Password1!}, {@code Dragon2024} and {@code !!Monkey99} are common:
 * "a common word plus a number" is what attackers try first). Okta names the check ("This password was found in a list
 * of commonly used passwords") but not its list or matching; this is Gatehouse's choice.
 */
final class CommonPasswords {

    private CommonPasswords() {
    }

    /** Loaded on first use (about 30 ms and 3 MB); a lookup is then a hash probe. */
    private static final class Holder {
        static final Set<String> LIST = load();

        private static Set<String> load() {
            try {
                return Set.copyOf(new HashSet<>(StandardDictionaries.PASSWORDS_LOADER.load().getRankedDictionary().keySet()));
            } catch (IOException e) {
                throw new UncheckedIOException("zxcvbn's password list is missing from the class path", e);
            }
        }
    }

    /** The number of passwords on the list. */
    static int size() {
        return Holder.LIST.size();
    }

    static boolean isCommon(String password) {
        if (password == null || password.isEmpty()) {
            return false;
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (Holder.LIST.contains(lower)) {
            return true;
        }
        int start = 0;
        int end = lower.length();
        while (start < end && !Character.isLetter(lower.charAt(start))) {
            start++;
        }
        while (end > start && !Character.isLetter(lower.charAt(end - 1))) {
            end--;
        }
        return end > start && (start > 0 || end < lower.length()) && Holder.LIST.contains(lower.substring(start, end));
    }
}
