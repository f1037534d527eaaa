package com.rglimits.query;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;

/** A request's body, read whole and bounded: a larger one is a 413, never read past the bound. */
final class RequestBody {
    private RequestBody() {}

    static byte[] read(HttpServerExchange exchange, int maxBytes) {
        if (!exchange.isBlocking()) {
            exchange.startBlocking();
        }
        try (InputStream in = exchange.getInputStream()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new ApiException(413, "too_large", "the body is larger than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read");
        }
    }
}
