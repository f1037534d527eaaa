package com.rglimits.query;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.text.ParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer access tokens (RFC 6750) that are JWTs of one issuer: a token whose user claim names
 * the user reads that user's limits; a token with the read scope reads anyone's. Signatures,
 * keys and claims are checked by Nimbus JOSE+JWT; this class maps its verdicts to 401/403 with
 * fixed descriptions, so nothing of the token is ever echoed.
 */
final class TokenAccess implements ReadAccess {
    private static final String REALM = "user-limits";
    /** RFC 6750 b64token, case-insensitive scheme, one or more spaces. */
    private static final Pattern BEARER = Pattern.compile("(?i)bearer +([A-Za-z0-9\\-._~+/]+=*)");
    private static final System.Logger LOG = System.getLogger(TokenAccess.class.getName());

    /** Nimbus' default bound on a JWKS document. */
    private static final int JWKS_SIZE_LIMIT = 51_200;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String userClaim;
    private final String readScope;
    private final String adminScope;

    TokenAccess(AuthConfig config) {
        // From a URL: cached (5 min), refreshed ahead of expiry, and refetched when a token names
        // a key id the cache lacks (rotation), at most twice per 30 s (Nimbus' defaults). Nimbus'
        // 500 ms timeouts would fail (and retry) a fetch from an issuer that is merely slow.
        int timeout = (int) config.jwksTimeout().toMillis();
        JWKSource<SecurityContext> keys = config.jwksUrl() != null
                ? JWKSourceBuilder.<SecurityContext>create(config.jwksUrl(),
                        new DefaultResourceRetriever(timeout, timeout, JWKS_SIZE_LIMIT)).retrying(true).build()
                : new ImmutableJWKSet<>(config.jwksFromFile());
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(config.algorithms(), keys));
        // "at+jwt" is RFC 9068's type for access tokens; many issuers still send "JWT" or none.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(config.audience()),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
                Set.of(JWTClaimNames.EXPIRATION_TIME),
                null);
        claims.setMaxClockSkew((int) config.clockSkew().getSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        userClaim = config.userClaim();
        readScope = config.readScope();
        adminScope = config.adminScope();
    }

    @Override
    public void check(HttpServerExchange exchange, String userId) {
        JWTClaimsSet claims = verify(bearerToken(exchange), exchange);
        if (scopes(claims).contains(readScope) || userId.equals(stringClaim(claims, userClaim))) {
            return;
        }
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge("insufficient_scope",
                "the token may read only its own user's limits", readScope));
        throw new ApiException(403, "forbidden", "the token may not read the limits of user " + userId);
    }

    @Override
    public void checkAdmin(HttpServerExchange exchange) {
        JWTClaimsSet claims = verify(bearerToken(exchange), exchange);
        if (scopes(claims).contains(adminScope)) {
            return;
        }
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge("insufficient_scope",
                "managing subscriptions needs the admin scope", adminScope));
        throw new ApiException(403, "forbidden", "the token may not manage subscriptions");
    }

    private static String bearerToken(HttpServerExchange exchange) {
        HeaderValues values = exchange.getRequestHeaders().get(Headers.AUTHORIZATION);
        if (values == null || values.size() == 1 && !isBearer(values.getFirst())) {
            // No bearer credentials offered at all (none, or another scheme): RFC 6750 3.1 gives no error code then.
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge(null, null, null));
            throw unauthorized("a bearer token is required (Authorization: Bearer <token>)");
        }
        Matcher m = BEARER.matcher(values.getFirst());
        if (values.size() > 1 || !m.matches()) {
            throw invalidToken(exchange, "the Authorization header is not one 'Bearer <token>'");
        }
        return m.group(1);
    }

    /** Whether the header names the Bearer scheme, however malformed the rest of it is. */
    private static boolean isBearer(String header) {
        return header.trim().split(" ", 2)[0].equalsIgnoreCase("bearer");
    }

    private JWTClaimsSet verify(String token, HttpServerExchange exchange) {
        try {
            return processor.process(token, null);
        } catch (ParseException e) {
            throw invalidToken(exchange, "the token is not a JWT");
        } catch (ExpiredJWTException e) {
            throw invalidToken(exchange, "the token has expired");
        } catch (BadJWTException e) {
            throw invalidToken(exchange, claimsProblem(e.getMessage()));
        } catch (BadJWSException e) {
            throw invalidToken(exchange, "the token's signature is not valid");
        } catch (BadJOSEException | RateLimitReachedException e) {
            // Unsigned, an algorithm not allowed, a key id the issuer's keys lack (also after a refetch).
            throw invalidToken(exchange, "the token is not signed with an accepted algorithm and key");
        } catch (KeySourceException e) {
            LOG.log(System.Logger.Level.WARNING, "the token issuer's keys cannot be fetched: " + Cli.describe(e));
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            throw new ApiException(503, "unavailable", "the token issuer's keys are unavailable, retry later");
        } catch (JOSEException e) {
            throw invalidToken(exchange, "the token cannot be verified");
        }
    }

    /** Nimbus' claim verdicts by their messages, which may name claim values: never passed on. */
    private static String claimsProblem(String message) {
        String m = message == null ? "" : message;
        if (m.startsWith("JWT before use time")) {
            return "the token is not valid yet";
        } else if (m.startsWith("JWT iss ")) {
            return "the token's issuer is not accepted";
        } else if (m.contains(" aud ")) {
            return "the token's audience is not accepted";
        }
        return "the token lacks a required claim or has one not accepted";
    }

    /** OAuth 2.0's space-separated {@code scope}, or the {@code scp} array (or string) some issuers send. */
    static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        Object scp = claims.getClaim("scp");
        Set<String> out = new HashSet<>();
        for (Object value : new Object[] {scope, scp}) {
            if (value instanceof String) {
                out.addAll(Arrays.asList(((String) value).trim().split(" +")));
            } else if (value instanceof List) {
                ((List<?>) value).stream().filter(String.class::isInstance).map(String.class::cast).forEach(out::add);
            }
        }
        return out;
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String ? (String) value : null;
    }

    private static ApiException invalidToken(HttpServerExchange exchange, String description) {
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge("invalid_token", description, null));
        return unauthorized(description);
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    /** Descriptions and scopes are this class's own strings and configured scope tokens: nothing to escape. */
    private static String challenge(String error, String description, String scope) {
        StringBuilder b = new StringBuilder("Bearer realm=\"" + REALM + "\"");
        if (error != null) {
            b.append(", error=\"").append(error).append("\", error_description=\"").append(description).append('"');
        }
        if (scope != null) {
            b.append(", scope=\"").append(scope).append('"');
        }
        return b.toString();
    }
}
