package dev.gatehouse.errors;

import java.util.List;

/**
 * A management-API failure as a value: thrown by use cases and request parsing, written once by
 * the HTTP error mapper as Okta's {@code errorCode/errorSummary/errorLink/errorId/errorCauses}.
 */
public final class ApiError extends RuntimeException {

    /** One entry of {@code errorCauses}; {@code field} is null for causes that name no field. */
    public record Cause(String field, String message) {
        public String summary() {
            return field == null ? message : field + ": " + message;
        }
    }

    private final ErrorCode code;
    private final String summary;
    private final List<Cause> causes;

    public ApiError(ErrorCode code, String summary, List<Cause> causes) {
        super(summary, null, false, false);
        this.code = code;
        this.summary = summary;
        this.causes = List.copyOf(causes);
    }

    public static ApiError of(ErrorCode code) {
        return new ApiError(code, code.summary(null), List.of());
    }

    /** 400 E0000001 with one cause per invalid field; the summary names the first field, as Okta's does. */
    public static ApiError validation(List<Cause> causes) {
        String first = causes.isEmpty() ? "" : causes.getFirst().field() == null ? causes.getFirst().message() : causes.getFirst().field();
        return new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary(first), causes);
    }

    public static ApiError validation(String field, String message) {
        return validation(List.of(new Cause(field, message)));
    }

    /** 404 E0000007 "Not found: Resource not found: {id} ({Type})". */
    public static ApiError notFound(String id, String type) {
        return new ApiError(ErrorCode.E0000007, ErrorCode.E0000007.summary("Resource not found: " + id + " (" + type + ")"), List.of());
    }

    public ErrorCode code() {
        return code;
    }

    public String summary() {
        return summary;
    }

    public List<Cause> causes() {
        return causes;
    }
}
