package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the schemas of an OpenAPI 3.0 document into JSON Schema draft 2020-12, in place and keeping the document's
 * layout (so {@code #/components/schemas/User} still points at the user, and error messages name the spec's own
 * paths). What a response check needs, and what 3.0 means but plain JSON Schema does not say:
 * <ul>
 *   <li>{@code nullable: true} adds {@code "null"} to {@code type} (and to {@code enum}); without a {@code type} the
 *       schema becomes {@code anyOf: [null, schema]};</li>
 *   <li>a {@code $ref}'s siblings are ignored, as 3.0 says, except {@code nullable};</li>
 *   <li>{@code oneOf} is checked as {@code anyOf} (Okta's branches overlap, see the spec's README), and where a
 *       {@code discriminator} names the branch, only that branch is checked ({@code if}/{@code then});</li>
 *   <li>a discriminator on a base schema (Okta's {@code Application}, with {@code signOnMode}) checks an instance
 *       against the mapped subschema too; the subschemas' own {@code allOf} reference to the base goes to a copy of the
 *       base without the dispatch ({@code Name__base}), so the two do not recurse into each other;</li>
 *   <li>{@code writeOnly} properties must not be in a response (a password never comes back) and are not required;</li>
 *   <li>properties the spec does not declare are reported: {@code unevaluatedProperties: false} on every schema an
 *       instance value is first checked against (a response body, a property, an array item), where it sees through
 *       {@code $ref}, {@code allOf} and the chosen branch; an object schema that declares nothing stays free-form;</li>
 *   <li>OpenAPI's own annotations ({@code example}, {@code xml}, {@code externalDocs}, {@code x-*}) are dropped.</li>
 * </ul>
 */
final class OpenApiToJsonSchema {

    static final String BASE_SUFFIX = "__base";
    private static final String SCHEMAS = "#/components/schemas/";
    private static final Set<String> DROPPED = Set.of("example", "xml", "externalDocs", "discriminator", "nullable", "examples");
    private static final Set<String> ASSERTIONS = Set.of("properties", "patternProperties", "additionalProperties", "allOf",
            "anyOf", "oneOf", "$ref", "not", "enum", "required", "if", "items", "const");

    private final ObjectNode spec;
    private final ObjectNode schemas;
    private final boolean undeclared;

    private OpenApiToJsonSchema(ObjectNode spec, boolean undeclared) {
        this.spec = spec;
        this.schemas = (ObjectNode) spec.path("components").path("schemas");
        this.undeclared = undeclared;
    }

    /**
     * Converts {@code spec} (an OpenAPI 3.0 document, changed in place) and returns it. With {@code undeclared}, a
     * property the spec does not declare is an error too; without, the schemas say only what the spec says.
     */
    static ObjectNode convert(ObjectNode spec, boolean undeclared) {
        new OpenApiToJsonSchema(spec, undeclared).run();
        return spec;
    }

    private void run() {
        // 1. Discriminators on base schemas: split each into a plain base and a dispatching schema.
        List<String> names = new ArrayList<>();
        schemas.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode s = schemas.get(name);
            if (s.isObject() && s.has("discriminator") && !s.has("oneOf") && !s.has("anyOf")) {
                splitBase(name, (ObjectNode) s);
            }
        }
        // 2. Every schema: components (reached by $ref: not where an instance value is first checked) and the
        //    response bodies (where it is).
        for (String name : new ArrayList<>(listNames(schemas))) {
            schemas.set(name, schema(schemas.get(name), false));
        }
        for (JsonNode pathItem : iterable(spec.path("paths"))) {
            for (JsonNode operation : iterable(pathItem)) {
                if (operation.isObject() && operation.has("responses")) {
                    for (JsonNode response : iterable(operation.get("responses"))) {
                        convertContent(response);
                    }
                }
            }
        }
        for (JsonNode response : iterable(spec.path("components").path("responses"))) {
            convertContent(response);
        }
    }

    private void convertContent(JsonNode response) {
        for (JsonNode media : iterable(response.path("content"))) {
            if (media.isObject() && media.has("schema")) {
                ((ObjectNode) media).set("schema", schema(media.get("schema"), true));
            }
        }
    }

    private void splitBase(String name, ObjectNode base) {
        ObjectNode discriminator = (ObjectNode) base.get("discriminator");
        String property = discriminator.path("propertyName").asText();
        Map<String, String> mapping = new LinkedHashMap<>();
        discriminator.path("mapping").properties().forEach(e -> mapping.put(e.getKey(), target(e.getValue().asText())));
        // Implicit mapping: a schema that extends the base through allOf is chosen by its own name.
        for (String other : listNames(schemas)) {
            if (extendsBase(schemas.get(other), name) && !mapping.containsValue(SCHEMAS + other)) {
                mapping.putIfAbsent(other, SCHEMAS + other);
            }
        }
        ObjectNode plain = base.deepCopy();
        plain.remove("discriminator");
        schemas.set(name + BASE_SUFFIX, plain);
        for (String target : mapping.values()) {
            JsonNode sub = schemas.get(target.substring(SCHEMAS.length()));
            if (sub != null && sub.has("allOf")) {
                for (JsonNode member : sub.get("allOf")) {
                    if (member.path("$ref").asText().equals(SCHEMAS + name)) {
                        ((ObjectNode) member).put("$ref", SCHEMAS + name + BASE_SUFFIX);
                    }
                }
            }
        }
        ObjectNode dispatch = JsonNodeFactory.instance.objectNode();
        if (base.has("description")) {
            dispatch.set("description", base.get("description"));
        }
        ArrayNode allOf = dispatch.putArray("allOf");
        allOf.addObject().put("$ref", SCHEMAS + name + BASE_SUFFIX);
        mapping.forEach((value, target) -> allOf.add(when(property, value, ref(target))));
        schemas.set(name, dispatch);
    }

    private static boolean extendsBase(JsonNode schema, String base) {
        for (JsonNode member : iterable(schema.path("allOf"))) {
            if (member.path("$ref").asText().equals(SCHEMAS + base)) {
                return true;
            }
        }
        return false;
    }

    /** One schema node, converted; {@code first} when an instance value is first checked against it. */
    private JsonNode schema(JsonNode node, boolean first) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode in = (ObjectNode) node;
        if (in.has("$ref")) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("$ref", in.get("$ref").asText());
            if (first && undeclared) {
                out.put("unevaluatedProperties", false);
            }
            return in.path("nullable").asBoolean(false) ? orNull(out) : out;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : in.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (DROPPED.contains(key) || key.startsWith("x-")) {
                continue;
            }
            switch (key) {
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    for (Map.Entry<String, JsonNode> p : value.properties()) {
                        props.set(p.getKey(), p.getValue().path("writeOnly").asBoolean(false)
                                ? writeOnly() : schema(p.getValue(), true));
                    }
                }
                case "items" -> out.set("items", schema(value, true));
                case "additionalProperties" -> out.set("additionalProperties", value.isObject() ? schema(value, true) : value);
                case "not" -> out.set("not", schema(value, false));
                case "allOf", "anyOf" -> out.set(key, list(value));
                case "oneOf" -> out.set("anyOf", list(value));
                case "required" -> {
                    ArrayNode required = out.putArray("required");
                    for (JsonNode r : value) {
                        if (!in.path("properties").path(r.asText()).path("writeOnly").asBoolean(false)) {
                            required.add(r);
                        }
                    }
                }
                default -> out.set(key, value);
            }
        }
        // oneOf/anyOf with a discriminator: the branch it names, else any branch.
        if (in.has("discriminator") && out.has("anyOf")) {
            out.set("anyOf", discriminated((ObjectNode) in.get("discriminator"), (ArrayNode) out.get("anyOf")));
        }
        if (in.path("nullable").asBoolean(false)) {
            if (out.has("type") && out.get("type").isTextual()) {
                out.putArray("type").add(in.get("type").asText()).add("null");
                if (out.has("enum")) {
                    ((ArrayNode) out.get("enum")).addNull();
                }
            } else if (!out.has("type")) {
                out = orNull(out);
            }
        }
        if (freeForm(out)) {
            out.put("additionalProperties", true);
        } else if (first && undeclared && mayBeObject(out)) {
            out.put("unevaluatedProperties", false);
        }
        return out;
    }

    private ArrayNode list(JsonNode members) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode m : members) {
            out.add(schema(m, false));
        }
        return out;
    }

    /**
     * {@code anyOf} of the branches, narrowed to the one a discriminator value names: the mapping's, else (OpenAPI's
     * implicit mapping) the branch whose {@code $ref} ends in that value.
     */
    private static ArrayNode discriminated(ObjectNode discriminator, ArrayNode branches) {
        String property = discriminator.path("propertyName").asText();
        Map<String, String> mapping = new LinkedHashMap<>();
        discriminator.path("mapping").properties().forEach(e -> mapping.put(e.getKey(), target(e.getValue().asText())));
        for (JsonNode b : branches) {
            String ref = b.path("$ref").asText();
            if (ref.startsWith(SCHEMAS) && !mapping.containsValue(ref)) {
                mapping.putIfAbsent(ref.substring(SCHEMAS.length()), ref);
            }
        }
        if (mapping.isEmpty()) {
            return branches;
        }
        ObjectNode choose = JsonNodeFactory.instance.objectNode();
        ObjectNode known = JsonNodeFactory.instance.objectNode();
        known.putArray("required").add(property);
        ArrayNode values = known.putObject("properties").putObject(property).putArray("enum");
        mapping.keySet().forEach(values::add);
        choose.set("if", known);
        ArrayNode each = choose.putObject("then").putArray("allOf");
        mapping.forEach((value, target) -> each.add(when(property, value, ref(target))));
        choose.putObject("else").set("anyOf", branches);
        return JsonNodeFactory.instance.arrayNode().add(choose);
    }

    /** A mapping value: a reference, or (OpenAPI allows it) a bare schema name. */
    private static String target(String value) {
        return value.startsWith("#") ? value : SCHEMAS + value;
    }

    private static ObjectNode when(String property, String value, ObjectNode then) {
        ObjectNode w = JsonNodeFactory.instance.objectNode();
        ObjectNode cond = w.putObject("if");
        cond.putArray("required").add(property);
        cond.putObject("properties").putObject(property).put("const", value);
        w.set("then", then);
        return w;
    }

    private static ObjectNode ref(String target) {
        return JsonNodeFactory.instance.objectNode().put("$ref", target);
    }

    private static ObjectNode orNull(ObjectNode schema) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode anyOf = out.putArray("anyOf");
        anyOf.addObject().put("type", "null");
        anyOf.add(schema);
        return out;
    }

    private static ObjectNode writeOnly() {
        ObjectNode never = JsonNodeFactory.instance.objectNode();
        never.put("description", "writeOnly in Okta's spec: sent in requests, never in a response");
        never.putObject("not");
        return never;
    }

    /** An object schema that declares no members: any members are fine. */
    private static boolean freeForm(ObjectNode s) {
        if (!"object".equals(s.path("type").asText()) || s.has("additionalProperties") || s.has("patternProperties")) {
            return false;
        }
        for (String k : ASSERTIONS) {
            if (s.has(k) && !(k.equals("properties") && s.get(k).isEmpty())) {
                return false;
            }
        }
        return true;
    }

    private static boolean mayBeObject(ObjectNode s) {
        JsonNode type = s.get("type");
        if (type == null) {
            return true;
        }
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (t.asText().equals("object")) {
                    return true;
                }
            }
            return false;
        }
        return type.asText().equals("object");
    }

    private static List<String> listNames(ObjectNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Iterable<JsonNode> iterable(JsonNode n) {
        return n::elements;
    }
}
