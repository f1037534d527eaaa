package com.rglimits.query;

import io.undertow.server.HttpServerExchange;

/** Who may read whose limits. */
interface ReadAccess {
    /** Anyone reads everything: {@code --auth none}. */
    ReadAccess OPEN = (exchange, userId) -> { };

    /**
     * Returns when the request may read the user's limits; otherwise throws the {@link ApiException}
     * to answer with (401 without a valid token, 403 with one that does not cover the user).
     */
    void check(HttpServerExchange exchange, String userId);

    static ReadAccess of(AuthConfig config) {
        return config.mode() == AuthConfig.Mode.NONE ? OPEN : new TokenAccess(config);
    }
}
