package com.rglimits.query;

import io.undertow.server.HttpServerExchange;

/** Who may read whose limits, and who may manage subscriptions. */
interface ReadAccess {
    /** Anyone reads everything: {@code --auth none}. */
    ReadAccess OPEN = new ReadAccess() {
        @Override
        public void check(HttpServerExchange exchange, String userId) {}

        @Override
        public void checkAdmin(HttpServerExchange exchange) {}

        @Override
        public void checkEventsWriter(HttpServerExchange exchange) {}
    };

    /**
     * Returns when the request may read the user's limits; otherwise throws the {@link ApiException}
     * to answer with (401 without a valid token, 403 with one that does not cover the user).
     */
    void check(HttpServerExchange exchange, String userId);

    /** Returns when the request may manage subscriptions (the admin scope); otherwise throws 401 or 403. */
    void checkAdmin(HttpServerExchange exchange);

    /** Returns when the request may put events into the input stream (the events scope); otherwise throws 401 or 403. */
    void checkEventsWriter(HttpServerExchange exchange);

    static ReadAccess of(AuthConfig config) {
        return config.mode() == AuthConfig.Mode.NONE ? OPEN : new TokenAccess(config);
    }
}
