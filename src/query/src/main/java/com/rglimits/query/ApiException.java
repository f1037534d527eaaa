package com.rglimits.query;

/** A request the API answers with an error status and a JSON error body. */
final class ApiException extends RuntimeException {
    final int status;
    final String error;

    ApiException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }
}
