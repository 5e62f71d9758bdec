package dev.gatehouse.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.format.Format;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.PathType;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every {@code /api/v1} response the tests receive, checked against Okta's published management API specification
 * (issue #24): the spec's schema for the path template the request matches (e.g. {@code /api/v1/users/{id}}), its
 * method and the response status. The shared test clients ({@link Http}, {@link Browser}, the Okta SDK's client through
 * {@link OktaSdkClients}) call {@link #check} for every response, so every test, existing or future, is covered without
 * opting in. A response that does not conform throws an {@link AssertionError} in the test that received it, naming
 * method, path, status and the first differences.
 *
 * <p>The spec is read from {@code ../shared/okta-openapi/management-minimal.yaml} relative to the project directory
 * (where CI has it too), corrected by {@link OktaSchemaDeviations} (the spec's own slips, then Gatehouse's deliberate
 * deviations: the only escapes), and converted to JSON Schema 2020-12 by {@link OpenApiToJsonSchema}; networknt's
 * validator checks bodies against it.
 *
 * <p>Rules besides the schemas:
 * <ul>
 *   <li>a success status (2xx, 3xx) must be one the spec documents for the operation, on a path and method it has;</li>
 *   <li>an error status the operation does not list (Okta's spec lists 400/403/404/429 but Okta also answers 401 for a
 *       bad token, 405, 409 and so on, on every path), or lists without a body, is checked against Okta's {@code Error}
 *       schema;</li>
 *   <li>a documented JSON response must be JSON ({@code Content-Type: application/json}); one documented without content
 *       (204) must have no body;</li>
 *   <li>CORS preflights ({@code OPTIONS}) and {@code HEAD} are not API operations and are not checked.</li>
 * </ul>
 * Which path/method/status combinations the run checked is written to {@code target/okta-schema-coverage.txt} when
 * the test JVM exits.
 */
public final class OktaSchema {

    /** Where the spec is, relative to the project directory; CI has ../shared beside the checkout too. */
    public static final Path SPEC = Path.of("..", "shared", "okta-openapi", "management-minimal.yaml");
    /** One report per test tier (pom.xml names it), so the slow tier's run does not overwrite the fast tier's. */
    public static final Path REPORT = Path.of(System.getProperty("gatehouse.schemaReport", "target/okta-schema-coverage.txt"));
    private static final String PLAIN = "https://gatehouse.test/okta/management-minimal.json";
    private static final String STRICT = "https://gatehouse.test/okta/management-minimal-undeclared.json";
    /** Where, in the documents the validator reads, the response schemas are: one key each, not a number. */
    private static final String RESPONSES = "responses";
    /** The schema an error status the operation does not list is checked against. */
    private static final String UNDOCUMENTED_ERROR = "undocumentedError";
    private static final int SHOWN = 8;
    private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)*");

    private static volatile OktaSchema instance;

    private final ObjectNode spec;
    private final SchemaRegistry registry;
    private final List<String[]> templates = new ArrayList<>();
    /** "template method status" (status as the spec keys it: 200, 4XX, default) to the key of its JSON schema. */
    private final Map<String, String> responseSchemas = new java.util.HashMap<>();
    private final ConcurrentMap<String, Schema> schemas = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> coverage = new ConcurrentHashMap<>();

    private OktaSchema(ObjectNode openApi) {
        OktaSchemaDeviations.applyAll(openApi);
        ObjectNode strict = openApi.deepCopy();
        this.spec = OpenApiToJsonSchema.convert(openApi, false);
        OpenApiToJsonSchema.convert(strict, true);
        spec.path("paths").fieldNames().forEachRemaining(p -> templates.add(p.substring(1).split("/", -1)));
        // The documents' top-level members are not schemas: known to the dialect as such, so it does not warn about them.
        // "email": an address is local@domain, as Okta accepts it; networknt's own check also wants a top-level domain from
        // IANA's list, which refuses the reserved ones tests use (RFC 2606: admin@gatehouse.test).
        Dialect dialect = Dialect.builder(Dialects.getDraft202012()).keyword(new NonValidationKeyword("components"))
                .keyword(new NonValidationKeyword(RESPONSES)).keyword(new NonValidationKeyword(UNDOCUMENTED_ERROR))
                .format(new Format() {
                    @Override
                    public String getName() {
                        return "email";
                    }

                    @Override
                    public boolean matches(ExecutionContext executionContext, String value) {
                        return EMAIL.matcher(value).matches();
                    }
                }).build();
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).pathType(PathType.JSON_PATH).build();
        Map<String, String> documents = Map.of(PLAIN, document(spec, false), STRICT, document(strict, true));
        this.registry = SchemaRegistry.withDefaultDialect(dialect, b -> b.schemas(documents).schemaRegistryConfig(config));
    }

    /**
     * What the validator reads of a converted spec: its component schemas, each operation's JSON response schema under a
     * key of its own (a JSON pointer through "responses/404" would read 404 as an array index), and the error schema.
     */
    private String document(ObjectNode converted, boolean undeclared) {
        ObjectNode doc = new ObjectMapper().createObjectNode();
        doc.set("components", converted.get("components"));
        ObjectNode responses = doc.putObject(RESPONSES);
        converted.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            operation.getValue().path("responses").properties().forEach(response -> {
                JsonNode schema = resolve(converted, response.getValue()).path("content").path("application/json").get("schema");
                if (schema != null) {
                    String key = path.getKey() + " " + operation.getKey() + " " + response.getKey();
                    String id = responseSchemas.computeIfAbsent(key, k -> "r" + responseSchemas.size());
                    responses.set(id, schema);
                }
            });
        }));
        ObjectNode error = doc.putObject(UNDOCUMENTED_ERROR).put("$ref", "#/components/schemas/Error");
        if (undeclared) {
            error.put("unevaluatedProperties", false);
        }
        try {
            return new ObjectMapper().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The spec as read and converted, loaded once per test JVM. */
    public static OktaSchema get() {
        OktaSchema s = instance;
        if (s == null) {
            synchronized (OktaSchema.class) {
                s = instance;
                if (s == null) {
                    s = new OktaSchema(read(SPEC));
                    instance = s;
                    Runtime.getRuntime().addShutdownHook(new Thread(OktaSchema::writeReport, "okta-schema-report"));
                }
            }
        }
        return s;
    }

    static ObjectNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("Okta's management API spec is missing: expected " + file.toAbsolutePath().normalize()
                    + " (../shared/okta-openapi/management-minimal.yaml beside the project directory, as in CI). Every /api/v1"
                    + " response the tests receive is checked against it (issue #24); see that folder's README for its source.");
        }
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(64 * 1024 * 1024); // the spec is ~3.5 MB; SnakeYAML's default limit is 3 MB
        try {
            return (ObjectNode) new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build()).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Okta's spec " + file.toAbsolutePath(), e);
        }
    }

    /**
     * Checks one response a test received; does nothing for requests outside {@code /api/v1}. Throws an
     * {@link AssertionError} naming method, path, status and the first differences when it does not conform.
     */
    public static void check(String method, URI uri, int status, HttpHeaders headers, String body) {
        String path = uri.getRawPath();
        if (path == null || !(path.equals("/api/v1") || path.startsWith("/api/v1/"))
                || method.equals("OPTIONS") || method.equals("HEAD")) {
            return;
        }
        if (path.equals("/api/v1/authn") || path.startsWith("/api/v1/authn/")) {
            // Okta's Authentication API (issue #20) is not part of the management API and has no OpenAPI spec: its shapes are
            // checked by the authn tests against Okta's reference (docs/okta/authn.md), and by okta-auth-js itself.
            return;
        }
        if (path.matches("/api/v1/users/[^/]+/credentials/password_hash")) {
            // An org export's password hashes (issue #22): a Gatehouse extension, checked by orgfile/OrgFileHttpTest.
            return;
        }
        if (path.matches("/api/v1/apps/[^/]+/problems")) {
            // The sign-in doctor (issue #21) is a Gatehouse extension with no counterpart in Okta's spec: its shape is checked by
            // troubleshoot/SignInProblemsHttpTest and documented in docs/OKTA-COMPATIBILITY.md as an extension.
            return;
        }
        List<String> differences = get().differences(method, path, status, headers.firstValue("Content-Type").orElse(null), body, true);
        if (!differences.isEmpty()) {
            StringBuilder m = new StringBuilder("Response does not conform to Okta's management API schema (issue #24): ")
                    .append(method).append(' ').append(path).append(" -> ").append(status).append('\n');
            differences.stream().limit(SHOWN).forEach(d -> m.append("  - ").append(d).append('\n'));
            if (differences.size() > SHOWN) {
                m.append("  (").append(differences.size() - SHOWN).append(" more)\n");
            }
            m.append("Body: ").append(body == null || body.length() <= 2000 ? body : body.substring(0, 2000) + "…").append('\n')
                    .append("Fix the response, or (only where Okta's real responses differ from the spec) add a reviewed entry to"
                            + " OktaSchemaDeviations and docs/OKTA-COMPATIBILITY.md.");
            throw new AssertionError(m.toString());
        }
    }

    /** The differences between a response and Okta's spec; empty when it conforms. */
    public List<String> differences(String method, String path, int status, String contentType, String body) {
        return differences(method, path, status, contentType, body, false);
    }

    private List<String> differences(String method, String path, int status, String contentType, String body, boolean record) {
        List<String> out = new ArrayList<>();
        String template = template(path);
        String verb = method.toLowerCase(java.util.Locale.ROOT);
        JsonNode operation = template == null ? null : spec.path("paths").path(template).get(verb);
        JsonNode responses = operation == null ? null : operation.path("responses");
        String statusKey = null;
        if (responses != null) {
            for (String k : List.of(Integer.toString(status), status / 100 + "XX", "default")) {
                if (statusKey == null && responses.has(k)) {
                    statusKey = k;
                }
            }
        }
        if (statusKey == null) {
            if (status < 400) {
                out.add(template == null ? "Okta's management API has no path " + path
                        : operation == null ? "Okta's management API has no " + method + " on " + template
                        : "status " + status + " is not one Okta documents for " + method + " " + template + " (documented: "
                        + String.join(", ", (Iterable<String>) responses::fieldNames) + ")");
                return out;
            }
            if (record) {
                record(method, template == null ? "(a path not in the spec: " + path + ")" : template, status, "error status not listed: Error schema");
            }
            validate(out, "/" + UNDOCUMENTED_ERROR, contentType, body);
            return out;
        }
        JsonNode response = resolve(spec, responses.get(statusKey));
        String id = responseSchemas.get(template + " " + verb + " " + statusKey);
        if (record) {
            record(method, template, status, id != null ? "schema" : response.path("content").isEmpty() ? "no content" : "not JSON");
        }
        if (id != null) {
            validate(out, "/" + RESPONSES + "/" + id, contentType, body);
        } else if (response.path("content").isEmpty()) {
            if (status >= 400 && body != null && !body.isEmpty()) {
                // An error the spec lists without saying its body (e.g. the Sessions API's 400 and 404): Okta's error body.
                validate(out, "/" + UNDOCUMENTED_ERROR, contentType, body);
            } else if (body != null && !body.isEmpty()) {
                out.add("Okta documents no content for this status, but the response has a body");
            }
        } else if (response.path("content").has("application/json")) {
            if (contentType == null || !contentType.startsWith("application/json")) {
                out.add("Content-Type is " + contentType + ", Okta answers application/json");
            }
        } else {
            out.add("Okta answers " + String.join(", ", (Iterable<String>) response.path("content")::fieldNames) + " here");
        }
        return out;
    }

    private void validate(List<String> out, String pointer, String contentType, String body) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            out.add("Content-Type is " + contentType + ", Okta answers application/json");
        }
        JsonNode instance;
        try {
            instance = body == null || body.isEmpty() ? null : new ObjectMapper().readTree(body);
        } catch (IOException e) {
            instance = null;
        }
        if (instance == null) {
            out.add("the body is not JSON: " + (body == null || body.isEmpty() ? "(empty)" : body.substring(0, Math.min(200, body.length()))));
            return;
        }
        // First what the spec says; once that holds, the properties it does not declare (checked apart: a value that fails
        // its schema would otherwise make every property around it look undeclared).
        List<Error> errors = schema(PLAIN, pointer).validate(instance);
        for (Error e : errors) {
            out.add(e + "  [schema " + e.getSchemaLocation().getFragment() + "]");
        }
        if (errors.isEmpty()) {
            undeclared(out, schema(STRICT, pointer), instance.deepCopy());
        }
    }

    /**
     * The properties Okta's schema does not declare. An undeclared property fails the object around it, which drops what
     * that object had matched, so every property of its ancestors looks undeclared too: only the deepest reports are
     * real. They are noted and removed from (a copy of) the body, and the rest checked again.
     */
    private static void undeclared(List<String> out, Schema strict, JsonNode body) {
        for (int round = 0; round < 100; round++) {
            List<Error> errors = strict.validate(body);
            if (errors.isEmpty()) {
                return;
            }
            int deepest = errors.stream().mapToInt(e -> e.getInstanceLocation().getNameCount()).max().orElse(0);
            for (Error e : errors) {
                if (e.getInstanceLocation().getNameCount() != deepest) {
                    continue;
                }
                if (!"unevaluatedProperties".equals(e.getKeyword())) {
                    out.add(e + "  [schema " + e.getSchemaLocation().getFragment() + "]");
                    return;
                }
                out.add(e.getInstanceLocation() + "." + e.getProperty() + ": Okta's schema does not declare this property  [schema "
                        + e.getSchemaLocation().getFragment() + "]");
                JsonNode parent = body;
                for (int i = 0; i < e.getInstanceLocation().getNameCount(); i++) {
                    Object element = e.getInstanceLocation().getElement(i);
                    parent = element instanceof Integer index ? parent.path(index) : parent.path(element.toString());
                }
                if (!(parent instanceof ObjectNode o) || o.remove(e.getProperty()) == null) {
                    return; // cannot narrow it down further; what was found is reported
                }
            }
        }
    }

    private Schema schema(String document, String pointer) {
        return schemas.computeIfAbsent(document + "#" + pointer, location -> {
            Schema s = registry.getSchema(SchemaLocation.of(location));
            s.initializeValidators();
            return s;
        });
    }

    /** The spec's path template for a request path: literal segments beat parameters, the earlier the better. */
    String template(String path) {
        String[] segments = path.substring(1).split("/", -1);
        String[] best = null;
        for (String[] t : templates) {
            if (t.length != segments.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < t.length && match; i++) {
                match = isParameter(t[i]) ? !segments[i].isEmpty() : t[i].equals(segments[i]);
            }
            if (match && (best == null || moreLiteral(t, best))) {
                best = t;
            }
        }
        return best == null ? null : "/" + String.join("/", best);
    }

    private static boolean moreLiteral(String[] a, String[] b) {
        for (int i = 0; i < a.length; i++) {
            if (isParameter(a[i]) != isParameter(b[i])) {
                return !isParameter(a[i]);
            }
        }
        return false;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    /** A response object, following {@code $ref}s to {@code #/components/responses}. */
    private static JsonNode resolve(JsonNode document, JsonNode node) {
        for (int i = 0; i < 10 && node.has("$ref"); i++) {
            node = document.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    private void record(String method, String template, int status, String how) {
        coverage.computeIfAbsent(method + " " + template + " " + status + "  (" + how + ")", k -> new LongAdder()).increment();
    }

    /** The path/method/status combinations checked so far, each with how many responses. */
    public Map<String, Long> coverage() {
        Map<String, Long> out = new TreeMap<>();
        coverage.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static void writeReport() {
        OktaSchema s = instance;
        if (s == null) {
            return;
        }
        Map<String, Long> all = s.coverage();
        long inSpec = all.keySet().stream().filter(k -> !k.contains("(a path not in the spec")).count();
        StringBuilder b = new StringBuilder();
        b.append("Okta management API schema check (issue #24): ").append(inSpec)
                .append(" distinct path/method/status combinations of Okta's spec checked in this run, ")
                .append(all.values().stream().mapToLong(Long::longValue).sum()).append(" responses.\n\n");
        all.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .forEach(e -> b.append(e.getKey()).append("  x").append(e.getValue()).append('\n'));
        try {
            Files.createDirectories(REPORT.toAbsolutePath().getParent());
            Files.writeString(REPORT, b.toString());
        } catch (IOException ignored) {
            // a report that cannot be written does not change any test's outcome
        }
    }
}
