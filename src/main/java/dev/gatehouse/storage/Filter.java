package dev.gatehouse.storage;

import dev.gatehouse.storage.Listing;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Okta management-API {@code filter} / {@code search} expression (SCIM-like), for example
 * {@code status eq "ACTIVE" and (lastUpdated gt "2026-01-01T00:00:00.000Z" or not (profile.email ew "@example.com"))}.
 *
 * <p>Operators {@code eq ne gt ge lt le sw ew co pr} and the logical {@code and or not} are case-insensitive;
 * {@code and} binds tighter than {@code or}, {@code not} applies to the following parenthesised expression or
 * comparison. Attribute names are case-sensitive ({@code [A-Za-z0-9._]+}). Values are double-quoted strings
 * (escapes {@code \"} and {@code \\}), numbers (Long or Double), {@code true}, {@code false} and {@code null}.
 * Dates stay strings; callers convert them. Error positions are 1-based character positions.
 */
public sealed interface Filter {

    /** {@code value} is a String, Long, Double, Boolean or null; always null for {@link Op#PR}. */
    record Comparison(String attribute, Op op, Object value) implements Filter {}

    record And(Filter left, Filter right) implements Filter {}

    record Or(Filter left, Filter right) implements Filter {}

    record Not(Filter inner) implements Filter {}

    enum Op { EQ, NE, GT, GE, LT, LE, SW, EW, CO, PR }

    /** A filter that cannot be parsed or translated; the message is meant for the API caller. */
    final class InvalidFilter extends RuntimeException {
        public InvalidFilter(String message) {
            super(message);
        }
    }

    static Filter parse(String expression) throws InvalidFilter {
        return new FilterParser(expression).parse();
    }

    /**
     * Translates {@code f} to a SQL boolean expression whose values are named JDBI binds ({@code :f0}, {@code :f1},
     * ... the first names not yet in {@code binds}) added to {@code binds}. The result can be joined to other
     * conditions with {@code AND} as is (a top-level {@code OR} comes parenthesised).
     *
     * <p>{@code columns} maps each allowed attribute to a SQL column expression (trusted; never user input).
     * String comparisons on attributes in {@code caseInsensitive} use {@code LOWER(col) ... LOWER(:f)}.
     * {@code sw ew co} become {@code LIKE :f ESCAPE '!'} with {@code ! % _} escaped in the bound pattern
     * ({@code '!'} rather than {@code '\'}: JDBI's SQL lexer reads {@code \'} as an escaped quote).
     * {@code pr} and {@code ne null} become {@code IS NOT NULL}, {@code eq null} becomes {@code IS NULL}.
     * As in SQL, a comparison on a NULL column is never true, not even under {@code not}.
     */
    static String toSql(Filter f, Map<String, String> columns, Set<String> caseInsensitive, Map<String, Object> binds) {
        return switch (f) {
            case Or or -> "(" + orTerms(or, columns, caseInsensitive, binds) + ")";
            case And(Filter l, Filter r) -> toSql(l, columns, caseInsensitive, binds) + " AND "
                    + toSql(r, columns, caseInsensitive, binds);
            case Not(Filter inner) -> "NOT (" + toSql(inner, columns, caseInsensitive, binds) + ")";
            case Comparison c -> comparisonSql(c, columns, caseInsensitive, binds);
        };
    }

    private static String orTerms(Filter f, Map<String, String> columns, Set<String> ci, Map<String, Object> binds) {
        return f instanceof Or(Filter l, Filter r)
                ? orTerms(l, columns, ci, binds) + " OR " + orTerms(r, columns, ci, binds)
                : toSql(f, columns, ci, binds);
    }

    private static String comparisonSql(Comparison c, Map<String, String> columns, Set<String> ci,
                                        Map<String, Object> binds) {
        String column = columns.get(c.attribute());
        if (column == null) {
            throw new InvalidFilter("Invalid filter: unsupported attribute '" + c.attribute() + "'");
        }
        Op op = c.op();
        Object value = c.value();
        if (op == Op.PR || (value == null && (op == Op.EQ || op == Op.NE))) {
            return column + (op == Op.EQ ? " IS NULL" : " IS NOT NULL");
        }
        if (value == null) {
            throw new InvalidFilter("Invalid filter: '" + op.name().toLowerCase(Locale.ROOT) + "' needs a value");
        }
        String operator = switch (op) {
            case EQ -> "=";
            case NE -> "<>";
            case GT -> ">";
            case GE -> ">=";
            case LT -> "<";
            case LE -> "<=";
            case SW, EW, CO, PR -> "LIKE";
        };
        String like = Listing.escapeLike(String.valueOf(value));
        Object bound = switch (op) {
            case SW -> like + "%";
            case EW -> "%" + like;
            case CO -> "%" + like + "%";
            default -> value;
        };
        int i = 0;
        while (binds.containsKey("f" + i)) {
            i++;
        }
        binds.put("f" + i, bound);
        String escape = operator.equals("LIKE") ? " ESCAPE '!'" : "";
        return bound instanceof String && ci.contains(c.attribute())
                ? "LOWER(" + column + ") " + operator + " LOWER(:f" + i + ")" + escape
                : column + " " + operator + " :f" + i + escape;
    }

}

/** Recursive descent over the characters of one expression; see {@link Filter} for the grammar. */
final class FilterParser {

    private static final int MAX_DEPTH = 64;
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._]*");
    private static final Pattern BARE_VALUE = Pattern.compile("[A-Za-z0-9._+-]*");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Set<Filter.Op> LIKE = EnumSet.of(Filter.Op.SW, Filter.Op.EW, Filter.Op.CO);
    private static final Set<Filter.Op> ORDER = EnumSet.of(Filter.Op.GT, Filter.Op.GE, Filter.Op.LT, Filter.Op.LE);

    private final String in;
    private int pos;
    private int depth;

    FilterParser(String in) {
        this.in = in == null ? "" : in;
    }

    Filter parse() {
        if (in.isBlank()) {
            throw new Filter.InvalidFilter("Invalid filter: the expression is empty");
        }
        Filter f = or();
        if (at(')')) {
            throw error(pos, "unmatched ')'");
        }
        if (pos < in.length()) {
            throw expected("'and', 'or' or the end of the expression");
        }
        return f;
    }

    // or := and ("or" and)* ; and := unary ("and" unary)* ; unary := "not" unary | "(" or ")" | comparison
    private Filter or() {
        Filter f = and();
        while (keyword("or")) {
            f = new Filter.Or(f, and());
        }
        return f;
    }

    private Filter and() {
        Filter f = unary();
        while (keyword("and")) {
            f = new Filter.And(f, unary());
        }
        return f;
    }

    private Filter unary() {
        if (++depth > MAX_DEPTH) {
            throw error(pos, "the expression is nested too deeply");
        }
        Filter f;
        if (keyword("not")) {
            f = new Filter.Not(unary());
        } else if (at('(')) {
            int open = pos++;
            f = or();
            if (!at(')')) {
                throw pos < in.length() ? expected("'and', 'or' or ')'") : error(open, "missing ')' for the '('");
            }
            pos++;
        } else {
            f = comparison();
        }
        depth--;
        return f;
    }

    private Filter comparison() {
        String attribute = peek(WORD);
        if (attribute.isEmpty() || attribute.equalsIgnoreCase("and") || attribute.equalsIgnoreCase("or")) {
            throw expected("an attribute name");
        }
        pos += attribute.length();
        skipSpace();
        String word = peek(WORD);
        if (word.isEmpty()) {
            throw expected("an operator after '" + attribute + "'");
        }
        Filter.Op op = Arrays.stream(Filter.Op.values()).filter(o -> o.name().equalsIgnoreCase(word)).findFirst()
                .orElseThrow(() -> error(pos, "unknown operator '" + word + "'"));
        pos += word.length();
        if (op == Filter.Op.PR) {
            return new Filter.Comparison(attribute, op, null);
        }
        skipSpace();
        int valueAt = pos;
        Object value = value(word);
        if (LIKE.contains(op) && !(value instanceof String)) {
            throw error(valueAt, "operator '" + word + "' needs a string value");
        }
        if (ORDER.contains(op) && !(value instanceof String || value instanceof Number)) {
            throw error(valueAt, "operator '" + word + "' needs a string or number value");
        }
        return new Filter.Comparison(attribute, op, value);
    }

    private Object value(String op) {
        if (at('"')) {
            return string();
        }
        String token = peek(BARE_VALUE);
        if (token.isEmpty()) {
            throw expected("a value after '" + op + "'");
        }
        pos += token.length();
        return switch (token.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> null;
            default -> number(token, pos - token.length());
        };
    }

    private Object number(String token, int at) {
        if (!NUMBER.matcher(token).matches()) {
            throw error(at, "expected a value (a quoted string, number, true, false or null) but found '"
                    + token + "'");
        }
        try {
            if (INTEGER.matcher(token).matches()) {
                return Long.parseLong(token);
            }
            double d = Double.parseDouble(token);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException tooLarge) {
            // reported below
        }
        throw error(at, "number " + token + " is out of range");
    }

    private String string() {
        int start = pos++;
        StringBuilder out = new StringBuilder();
        while (pos < in.length()) {
            char c = in.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\' && pos < in.length()) {
                c = in.charAt(pos++);
                if (c != '"' && c != '\\') {
                    throw error(pos - 2, "invalid escape '\\" + c + "' in a string (use \\\" or \\\\)");
                }
            }
            out.append(c);
        }
        throw error(start, "unterminated string starting");
    }

    /** Consumes {@code kw} (any case) if it is the next whole word. */
    private boolean keyword(String kw) {
        skipSpace();
        if (!peek(WORD).equalsIgnoreCase(kw)) {
            return false;
        }
        pos += kw.length();
        return true;
    }

    /** Whether {@code c} is the next character after any whitespace (which it skips). */
    private boolean at(char c) {
        skipSpace();
        return pos < in.length() && in.charAt(pos) == c;
    }

    private String peek(Pattern p) {
        Matcher m = p.matcher(in).region(pos, in.length());
        return m.lookingAt() ? m.group() : "";
    }

    private void skipSpace() {
        while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
            pos++;
        }
    }

    /** "expected X at position N", or "expected X but found 'Y' at position N" when not at the end. */
    private Filter.InvalidFilter expected(String what) {
        if (pos >= in.length()) {
            return error(pos, "expected " + what);
        }
        String found = peek(WORD);
        return error(pos, "expected " + what + " but found '" + (found.isEmpty() ? in.charAt(pos) : found) + "'");
    }

    private Filter.InvalidFilter error(int at, String what) {
        return new Filter.InvalidFilter("Invalid filter: " + what + " at position " + (at + 1));
    }
}
