package dev.gatehouse.oauth.claims;

import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.User;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a claim expression can reach (Okta EL's claim subset, research notes §6): the root's namespaces and the helper
 * classes Okta documents. Only these classes' own public methods are callable ({@link ClaimExpression}); every text
 * they make is at most {@link ClaimExpression#MAX_TEXT} characters and every list {@link ClaimExpression#MAX_LIST}
 * elements. Okta's CSV convention holds: a text where an array is expected is split on commas.
 */
public final class ClaimFunctions {

    private ClaimFunctions() {
    }

    /** Marks a class whose declared public methods an expression may call. */
    public interface Functions {
    }

    /** A value with attributes ({@code user.email}): read by {@link ClaimExpression}'s accessor, not by reflection. */
    public interface Namespace {
        /** The two methods below are not callable from an expression. */
        Set<String> METHODS = Set.of("hasAttribute", "attribute");

        boolean hasAttribute(String name);

        Object attribute(String name);
    }

    /** The expression's root: {@code user}, {@code appuser}, {@code app}, {@code access}, {@code org}, {@code session}, the helpers, and Okta's group functions. */
    public static final class Root implements Namespace, Functions {
        private final ClaimSubject s;

        Root(ClaimSubject s) {
            this.s = s;
        }

        @Override
        public boolean hasAttribute(String name) {
            return switch (name) {
                case "user", "appuser", "app", "access", "org", "session", "String", "Arrays", "Convert", "Groups" -> true;
                default -> false;
            };
        }

        @Override
        public Object attribute(String name) {
            return switch (name) {
                case "user" -> s.user() == null ? null : new UserView(s.user());
                case "appuser" -> s.user() == null ? null : new AppUserView(s.user());
                case "app" -> new SimpleNamespace(map("id", s.appId(), "clientId", s.clientId(), "label", s.appLabel(), "name", "oidc_client"));
                case "access" -> new SimpleNamespace(map("scope", s.scopes()));
                case "org" -> new SimpleNamespace(map("name", s.org() == null ? null : s.org().name(),
                        "subDomain", s.org() == null ? null : s.org().subDomain()));
                case "session" -> new SimpleNamespace(map("amr", s.amr()));
                case "String" -> new StringFunctions();
                case "Arrays" -> new ArrayFunctions();
                case "Convert" -> new ConvertFunctions();
                case "Groups" -> new GroupFunctions(s);
                default -> null;
            };
        }

        public boolean isMemberOfGroupName(String name) {
            return s.groupNames().stream().anyMatch(n -> n.equals(name));
        }

        public boolean isMemberOfGroup(String id) {
            return s.groups().get().stream().anyMatch(g -> g.id().equals(id));
        }

        public boolean isMemberOfAnyGroup(String... ids) {
            Set<String> wanted = Set.copyOf(Arrays.asList(ids));
            return s.groups().get().stream().anyMatch(g -> wanted.contains(g.id()));
        }

        public boolean isMemberOfGroupNameStartsWith(String prefix) {
            return s.groupNames().stream().anyMatch(n -> n.startsWith(prefix));
        }

        public boolean isMemberOfGroupNameContains(String part) {
            return s.groupNames().stream().anyMatch(n -> n.contains(part));
        }

        public boolean isMemberOfGroupNameRegex(String regex) {
            BoundedRegex r = BoundedRegex.compile(regex);
            return r.anyMatch(s.groupNames());
        }

        // Okta's deprecated bare forms.
        public String toUpperCase(String text) {
            return new StringFunctions().toUpperCase(text);
        }

        public String toLowerCase(String text) {
            return new StringFunctions().toLowerCase(text);
        }

        public String substringBefore(String text, String search) {
            return new StringFunctions().substringBefore(text, search);
        }

        public String substringAfter(String text, String search) {
            return new StringFunctions().substringAfter(text, search);
        }

        public String substring(String text, int begin, int end) {
            return new StringFunctions().substring(text, begin, end);
        }
    }

    /**
     * {@code user.$attr}: the Okta profile (login, email, firstName, lastName, displayName, mobilePhone and the others
     * the profile holds); an attribute the user has no value for is null, as at Okta. {@code getInternalProperty}
     * gives {@code id}, {@code status}, {@code created}, {@code lastUpdated}.
     */
    public static final class UserView implements Namespace, Functions {
        private final User user;

        UserView(User user) {
            this.user = user;
        }

        @Override
        public boolean hasAttribute(String name) {
            return true;
        }

        @Override
        public Object attribute(String name) {
            User.Profile p = user.profile();
            return switch (name) {
                case "login" -> p.login();
                case "email" -> p.email();
                case "firstName" -> p.firstName();
                case "lastName" -> p.lastName();
                case "displayName" -> p.displayName();
                case "mobilePhone" -> p.mobilePhone();
                default -> p.extra().get(name);
            };
        }

        public Object getInternalProperty(String name) {
            return switch (name) {
                case "id" -> user.id();
                case "status" -> user.status().name();
                case "created" -> user.created() == null ? null : user.created().toString();
                case "lastUpdated" -> user.lastUpdated() == null ? null : user.lastUpdated().toString();
                default -> null;
            };
        }
    }

    /** {@code appuser.$attr}: Gatehouse keeps no app-specific profile, so the app user is the user; {@code userName} is the login. */
    public static final class AppUserView implements Namespace {
        private final UserView user;

        AppUserView(User user) {
            this.user = new UserView(user);
        }

        @Override
        public boolean hasAttribute(String name) {
            return true;
        }

        @Override
        public Object attribute(String name) {
            return user.attribute("userName".equals(name) ? "login" : name);
        }
    }

    /** A fixed set of attributes ({@code app}, {@code access}, {@code org}, {@code session}); others are not found. */
    public record SimpleNamespace(Map<String, Object> values) implements Namespace {
        @Override
        public boolean hasAttribute(String name) {
            return values.containsKey(name);
        }

        @Override
        public Object attribute(String name) {
            return values.get(name);
        }
    }

    /** Okta's {@code String.*} functions. */
    public static final class StringFunctions implements Functions {
        public String append(String text, String suffix) {
            return text(nz(text) + nz(suffix));
        }

        public String join(String separator, String... parts) {
            return text(String.join(nz(separator), Arrays.stream(parts).map(ClaimFunctions::nz).toList()));
        }

        public int len(String text) {
            return nz(text).length();
        }

        public String removeSpaces(String text) {
            return text == null ? null : text.replace(" ", "");
        }

        public String replace(String text, String match, String replacement) {
            return text == null || match == null || match.isEmpty() ? text : text(text.replace(match, nz(replacement)));
        }

        public String replaceFirst(String text, String match, String replacement) {
            if (text == null || match == null || match.isEmpty()) {
                return text;
            }
            int i = text.indexOf(match);
            return i < 0 ? text : text(text.substring(0, i) + nz(replacement) + text.substring(i + match.length()));
        }

        public boolean startsWith(String text, String prefix) {
            return text != null && prefix != null && text.startsWith(prefix);
        }

        public boolean stringContains(String text, String search) {
            return text != null && search != null && text.contains(search);
        }

        /** The value of the first key contained in {@code text}, else {@code defaultValue}: {@code (text, default, k1, v1, k2, v2…)}. */
        public String stringSwitch(String text, String defaultValue, String... keysAndValues) {
            if (text != null) {
                for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
                    if (keysAndValues[i] != null && text.contains(keysAndValues[i])) {
                        return keysAndValues[i + 1];
                    }
                }
            }
            return defaultValue;
        }

        /** Characters {@code begin} (inclusive) to {@code end} (exclusive), clamped to the text. */
        public String substring(String text, int begin, int end) {
            if (text == null) {
                return null;
            }
            int b = Math.max(0, Math.min(begin, text.length()));
            int e = Math.max(b, Math.min(end, text.length()));
            return text.substring(b, e);
        }

        public String substringAfter(String text, String search) {
            if (text == null || search == null) {
                return text;
            }
            int i = text.indexOf(search);
            return i < 0 ? "" : text.substring(i + search.length());
        }

        public String substringBefore(String text, String search) {
            if (text == null || search == null) {
                return text;
            }
            int i = text.indexOf(search);
            return i < 0 ? text : text.substring(0, i);
        }

        public String toUpperCase(String text) {
            return text == null ? null : text.toUpperCase(Locale.ROOT);
        }

        public String toLowerCase(String text) {
            return text == null ? null : text.toLowerCase(Locale.ROOT);
        }
    }

    /** Okta's {@code Arrays.*} functions; a comma-separated text counts as an array. */
    public static final class ArrayFunctions implements Functions {
        public List<Object> add(Object array, Object value) {
            List<Object> out = new ArrayList<>(list(array));
            out.add(value);
            return bounded(out);
        }

        public List<Object> remove(Object array, Object value) {
            List<Object> out = new ArrayList<>(list(array));
            out.removeIf(v -> same(v, value));
            return out;
        }

        public List<Object> clear(Object array) {
            return List.of();
        }

        public Object get(Object array, int index) {
            List<Object> l = list(array);
            return index >= 0 && index < l.size() ? l.get(index) : null;
        }

        public List<Object> flatten(Object... values) {
            List<Object> out = new ArrayList<>();
            for (Object v : values) {
                if (v instanceof Collection<?> || v instanceof Object[]) {
                    for (Object item : list(v)) {
                        out.addAll(item instanceof Collection<?> || item instanceof Object[] ? list(item) : List.of(item));
                        bounded(out);
                    }
                } else if (v != null) {
                    out.add(v);
                }
                bounded(out);
            }
            return out;
        }

        public boolean contains(Object array, Object value) {
            return list(array).stream().anyMatch(v -> same(v, value));
        }

        public int size(Object array) {
            return list(array).size();
        }

        public boolean isEmpty(Object array) {
            return list(array).isEmpty();
        }

        public String toCsvString(Object array) {
            return text(String.join(",", list(array).stream().map(String::valueOf).toList()));
        }

        private static boolean same(Object a, Object b) {
            return a == null ? b == null : b != null && String.valueOf(a).equals(String.valueOf(b));
        }
    }

    /** Okta's {@code Convert.toInt} and {@code Convert.toNum}. */
    public static final class ConvertFunctions implements Functions {
        public Integer toInt(Object value) {
            if (value == null) {
                return null;
            }
            if (value instanceof Number n) {
                return (int) Math.round(n.doubleValue());
            }
            try {
                return (int) Math.round(Double.parseDouble(String.valueOf(value).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Convert.toInt: not a number: " + abbreviate(String.valueOf(value)));
            }
        }

        public Double toNum(Object value) {
            if (value == null) {
                return null;
            }
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(String.valueOf(value).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Convert.toNum: not a number: " + abbreviate(String.valueOf(value)));
            }
        }
    }

    /**
     * Okta's groups-claim functions {@code Groups.startsWith/contains/endsWith(app, pattern, limit)}: the names of the
     * user's groups that match (case-insensitive), at most {@code limit} (1 to 100). Every Gatehouse group is an Okta
     * group, so {@code app} is {@code "OKTA"} (or the app's id or client id, which gives the same groups).
     */
    public static final class GroupFunctions implements Functions {
        private final ClaimSubject s;

        GroupFunctions(ClaimSubject s) {
            this.s = s;
        }

        public List<String> startsWith(String app, String pattern, int limit) {
            return names(app, pattern, limit, (n, p) -> n.startsWith(p));
        }

        public List<String> contains(String app, String pattern, int limit) {
            return names(app, pattern, limit, (n, p) -> n.contains(p));
        }

        public List<String> endsWith(String app, String pattern, int limit) {
            return names(app, pattern, limit, (n, p) -> n.endsWith(p));
        }

        private List<String> names(String app, String pattern, int limit, java.util.function.BiPredicate<String, String> test) {
            if (limit < 1 || limit > GroupFilter.MAX_GROUPS) {
                throw new IllegalArgumentException("The limit must be between 1 and " + GroupFilter.MAX_GROUPS);
            }
            if (app == null || !(app.equals("OKTA") || app.equals(s.appId()) || app.equals(s.clientId()))) {
                return List.of();
            }
            String p = nz(pattern).toLowerCase(Locale.ROOT);
            return s.groups().get().stream().map(Group::name)
                    .filter(n -> test.test(n.toLowerCase(Locale.ROOT), p)).limit(limit).toList();
        }
    }

    static List<Object> list(Object array) {
        if (array == null) {
            return List.of();
        }
        List<Object> out;
        if (array instanceof Collection<?> c) {
            out = new ArrayList<>(c);
        } else if (array instanceof Object[] a) {
            out = new ArrayList<>(Arrays.asList(a));
        } else if (array instanceof String text) {
            out = text.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(text.split(",", -1)));
        } else {
            out = new ArrayList<>(List.of(array));
        }
        return bounded(out);
    }

    private static List<Object> bounded(List<Object> l) {
        if (l.size() > ClaimExpression.MAX_LIST * 10) {
            throw new IllegalArgumentException("An array cannot have more than " + ClaimExpression.MAX_LIST * 10 + " elements");
        }
        return l;
    }

    private static String text(String s) {
        if (s.length() > ClaimExpression.MAX_TEXT) {
            throw new IllegalArgumentException("A text cannot be longer than " + ClaimExpression.MAX_TEXT + " characters");
        }
        return s;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
