package dev.gatehouse.oauth.claims;

import org.springframework.core.convert.TypeDescriptor;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.MethodExecutor;
import org.springframework.expression.ParseException;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.ast.BooleanLiteral;
import org.springframework.expression.spel.ast.CompoundExpression;
import org.springframework.expression.spel.ast.Elvis;
import org.springframework.expression.spel.ast.FloatLiteral;
import org.springframework.expression.spel.ast.Indexer;
import org.springframework.expression.spel.ast.InlineList;
import org.springframework.expression.spel.ast.IntLiteral;
import org.springframework.expression.spel.ast.LongLiteral;
import org.springframework.expression.spel.ast.MethodReference;
import org.springframework.expression.spel.ast.NullLiteral;
import org.springframework.expression.spel.ast.OpAnd;
import org.springframework.expression.spel.ast.OpDivide;
import org.springframework.expression.spel.ast.OpEQ;
import org.springframework.expression.spel.ast.OpGE;
import org.springframework.expression.spel.ast.OpGT;
import org.springframework.expression.spel.ast.OpLE;
import org.springframework.expression.spel.ast.OpLT;
import org.springframework.expression.spel.ast.OpMinus;
import org.springframework.expression.spel.ast.OpModulus;
import org.springframework.expression.spel.ast.OpMultiply;
import org.springframework.expression.spel.ast.OpNE;
import org.springframework.expression.spel.ast.OpOr;
import org.springframework.expression.spel.ast.OpPlus;
import org.springframework.expression.spel.ast.OperatorMatches;
import org.springframework.expression.spel.ast.OperatorNot;
import org.springframework.expression.spel.ast.Projection;
import org.springframework.expression.spel.ast.PropertyOrFieldReference;
import org.springframework.expression.spel.ast.RealLiteral;
import org.springframework.expression.spel.ast.Selection;
import org.springframework.expression.spel.ast.StringLiteral;
import org.springframework.expression.spel.ast.Ternary;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectiveMethodResolver;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * One custom claim's Okta Expression Language expression, parsed and checked once (when the claims snapshot loads
 * or an admin saves it) and evaluated per token in a sandbox. Okta EL is Spring SpEL underneath, so SpEL's parser
 * reads it; what may run is Gatehouse's choice (the research notes' §6 and §10.11):
 *
 * <ul>
 *   <li><b>At parse time</b> the tree may hold only the node types of {@link #ALLOWED}: literals, property reads,
 *       method calls, indexing, inline lists, projection and selection, arithmetic, comparison, boolean operators,
 *       {@code matches}, the ternary and Elvis. So no {@code T(…)} types, {@code new}, {@code @bean} references,
 *       {@code #variables} ({@code #root}; {@code #this} only for the element inside a projection or selection), assignment, {@code ++}/{@code --}, inline maps,
 *       {@code instanceof} or {@code ^}. At most {@link #MAX_LENGTH} characters, {@link #MAX_NODES} nodes, and
 *       {@link #MAX_DEPTH} levels; a projection or selection never inside another, and no {@code matches} inside one (their work would multiply).</li>
 *   <li><b>At evaluation</b> a {@link SimpleEvaluationContext} with only two resolvers of Gatehouse's own: a property
 *       accessor that reads only the {@link ClaimFunctions.Namespace}s ({@code user}, {@code appuser}, {@code app},
 *       {@code access}, {@code org}, {@code session}, {@code String}, {@code Arrays}, {@code Convert},
 *       {@code Groups}), and a method resolver that calls only the public methods those classes declare. A method on
 *       anything else ({@code ''.getClass()}, a list's {@code clear()}) is not found. SpEL's own limits stay on
 *       (repeated text, concatenated length, regex work); Gatehouse's helpers bound every list and text they make.</li>
 *   <li>A value must be text, a number, a boolean or a list of those ({@link #MAX_LIST} elements at most); anything
 *       else fails the evaluation. {@code null} means "no claim".</li>
 * </ul>
 */
public final class ClaimExpression {

    public static final int MAX_LENGTH = 1024;
    static final int MAX_NODES = 400;
    static final int MAX_DEPTH = 40;
    static final int MAX_LIST = 100;
    static final int MAX_TEXT = 4096;

    /** The node types an expression may hold (exact classes: a subclass is not allowed by inheritance). */
    private static final Set<Class<?>> ALLOWED = Set.of(CompoundExpression.class, PropertyOrFieldReference.class, MethodReference.class,
            Indexer.class, InlineList.class, Projection.class, Selection.class, StringLiteral.class, IntLiteral.class, LongLiteral.class,
            RealLiteral.class, FloatLiteral.class, BooleanLiteral.class, NullLiteral.class, OpPlus.class, OpMinus.class, OpMultiply.class,
            OpDivide.class, OpModulus.class, OpEQ.class, OpNE.class, OpLT.class, OpLE.class, OpGT.class, OpGE.class, OpAnd.class,
            OpOr.class, OperatorNot.class, Ternary.class, Elvis.class, OperatorMatches.class);

    private static final SpelExpressionParser PARSER = new SpelExpressionParser(
            new SpelParserConfiguration(SpelCompilerMode.OFF, null, false, false, 0, MAX_LENGTH));
    private static final PropertyAccessor NAMESPACES = new NamespaceAccessor();
    private static final ReflectiveMethodResolver FUNCTIONS = new FunctionResolver();

    /** An expression that cannot be saved: the reason and the 0-based character position it refers to. */
    public static final class Invalid extends RuntimeException {
        private final int position;

        public Invalid(String message, int position) {
            super(message, null, false, false);
            this.position = position;
        }

        public int position() {
            return position;
        }

        /** "{message} (at position {n})", as the API's error cause and the console show it. */
        public String describe() {
            return getMessage() + " (at position " + position + ")";
        }
    }

    /** An evaluation that failed for this token (unknown root, a helper's refusal, a value no claim can hold). */
    public static final class Failed extends RuntimeException {
        public Failed(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private final SpelExpression expression;

    private ClaimExpression(String text, SpelExpression expression) {
        this.text = text;
        this.expression = expression;
    }

    /** Parses and checks {@code text}; {@link Invalid} says why not and where. */
    public static ClaimExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new Invalid("The expression is empty", 0);
        }
        if (text.length() > MAX_LENGTH) {
            throw new Invalid("The expression cannot be longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
        }
        SpelExpression parsed;
        try {
            parsed = PARSER.parseRaw(text);
        } catch (ParseException e) {
            throw new Invalid(e.getSimpleMessage(), Math.max(e.getPosition(), 0));
        } catch (RuntimeException | StackOverflowError e) {
            throw new Invalid("The expression cannot be parsed", 0);
        }
        int[] nodes = {0};
        check(parsed.getAST(), 0, nodes, false);
        return new ClaimExpression(text, parsed);
    }

    public String text() {
        return text;
    }

    /** The claim value for {@code subject}: text, a number, a boolean, a list of those, or null (no claim). */
    public Object evaluate(ClaimSubject subject) {
        SimpleEvaluationContext context = SimpleEvaluationContext.forPropertyAccessors(NAMESPACES)
                .withMethodResolvers(FUNCTIONS)
                .withAssignmentDisabled()
                .withRootObject(new ClaimFunctions.Root(subject))
                .build();
        try {
            return value(expression.getValue(context));
        } catch (EvaluationException e) {
            throw new Failed(e.getSimpleMessage() + (e.getPosition() >= 0 ? " (at position " + e.getPosition() + ")" : ""));
        } catch (Failed e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new Failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static void check(SpelNode node, int depth, int[] nodes, boolean inProjection) {
        if (++nodes[0] > MAX_NODES) {
            throw new Invalid("The expression is too complex (more than " + MAX_NODES + " parts)", node.getStartPosition());
        }
        if (depth > MAX_DEPTH) {
            throw new Invalid("The expression is nested too deeply (more than " + MAX_DEPTH + " levels)", node.getStartPosition());
        }
        boolean element = inProjection && node instanceof VariableReference && "#this".equals(node.toStringAST());
        if (!ALLOWED.contains(node.getClass()) && !element) {
            throw new Invalid(forbidden(node), Math.max(node.getStartPosition(), 0));
        }
        boolean projection = node instanceof Projection || node instanceof Selection;
        if (projection && inProjection) {
            // One level only: nested projections multiply their lists' sizes (the work would grow as n^depth).
            throw new Invalid("A projection or selection cannot be nested in another", Math.max(node.getStartPosition(), 0));
        }
        if (node instanceof OperatorMatches && inProjection) {
            // SpEL bounds one match (about a million character reads), not a list of them: per element of a
            // thousand-element list a near-catastrophic pattern held a token request for seconds.
            throw new Invalid("'matches' cannot be used inside a projection or selection", Math.max(node.getStartPosition(), 0));
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            check(node.getChild(i), depth + 1, nodes, inProjection || projection);
        }
    }

    private static String forbidden(SpelNode node) {
        String what = switch (node.getClass().getSimpleName()) {
            case "TypeReference", "QualifiedIdentifier" -> "Type references (T(...))";
            case "ConstructorReference" -> "Constructors (new ...)";
            case "BeanReference" -> "Bean references (@...)";
            case "VariableReference", "FunctionReference" -> "Variables (#...)";
            case "Assign", "OpInc", "OpDec" -> "Assignment";
            case "InlineMap" -> "Inline maps";
            case "OperatorInstanceof" -> "instanceof";
            case "OperatorPower" -> "The power operator";
            case "OperatorBetween" -> "between";
            default -> "'" + node.toStringAST() + "'";
        };
        return what + " cannot be used in a claim expression";
    }

    /** A result a JWT claim can hold. */
    static Object value(Object v) {
        if (v == null || v instanceof Boolean || v instanceof String s && s.length() <= MAX_TEXT) {
            return v;
        }
        if (v instanceof String) {
            throw new Failed("The value is longer than " + MAX_TEXT + " characters");
        }
        if (v instanceof Character c) {
            return String.valueOf(c);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new Failed("The value is not a finite number");
            }
            return d;
        }
        if (v instanceof BigInteger || v instanceof BigDecimal) {
            return new BigDecimal(v.toString()).doubleValue();
        }
        if (v instanceof Collection<?> || v instanceof Object[]) {
            Collection<?> items = v instanceof Object[] a ? Arrays.asList(a) : (Collection<?>) v;
            if (items.size() > MAX_LIST) {
                throw new Failed("The list has more than " + MAX_LIST + " elements");
            }
            List<Object> out = new ArrayList<>();
            for (Object item : items) {
                if (item instanceof Collection<?> || item instanceof Object[]) {
                    throw new Failed("A claim cannot hold a list of lists");
                }
                Object one = value(item);
                if (one != null) {
                    out.add(one);
                }
            }
            return List.copyOf(out);
        }
        throw new Failed("A claim cannot hold a value of this kind (" + v.getClass().getSimpleName() + ")");
    }

    /** Reads the properties of Gatehouse's namespaces, and nothing else: no getters, no fields, no maps. */
    private static final class NamespaceAccessor implements PropertyAccessor {
        @Override
        public Class<?>[] getSpecificTargetClasses() {
            return new Class<?>[] {ClaimFunctions.Namespace.class};
        }

        @Override
        public boolean canRead(EvaluationContext context, Object target, String name) {
            return target instanceof ClaimFunctions.Namespace n && n.hasAttribute(name);
        }

        @Override
        public TypedValue read(EvaluationContext context, Object target, String name) throws AccessException {
            if (!(target instanceof ClaimFunctions.Namespace n) || !n.hasAttribute(name)) {
                throw new AccessException("No attribute " + name);
            }
            return new TypedValue(n.attribute(name));
        }

        @Override
        public boolean canWrite(EvaluationContext context, Object target, String name) {
            return false;
        }

        @Override
        public void write(EvaluationContext context, Object target, String name, Object newValue) throws AccessException {
            throw new AccessException("Claim expressions cannot assign");
        }
    }

    /** Calls only the public instance methods a {@link ClaimFunctions.Functions} class declares itself. */
    private static final class FunctionResolver extends ReflectiveMethodResolver {
        @Override
        public MethodExecutor resolve(EvaluationContext context, Object target, String name, List<TypeDescriptor> argumentTypes)
                throws AccessException {
            if (!(target instanceof ClaimFunctions.Functions) || ClaimFunctions.Namespace.METHODS.contains(name)) {
                return null;
            }
            return super.resolve(context, target, name, argumentTypes);
        }

        @Override
        protected Method[] getMethods(Class<?> type) {
            return Arrays.stream(type.getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
                    .filter(m -> !ClaimFunctions.Namespace.METHODS.contains(m.getName()))
                    .toArray(Method[]::new);
        }

        @Override
        protected boolean isCandidateForInvocation(Method method, Class<?> targetClass) {
            return ClaimFunctions.Functions.class.isAssignableFrom(method.getDeclaringClass()) && method.getDeclaringClass() == targetClass;
        }
    }
}
