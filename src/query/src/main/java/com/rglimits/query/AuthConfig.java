package com.rglimits.query;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.rglimits.config.ConfigException;
import com.rglimits.config.Settings;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who may call the query API: either nobody is asked ({@link Mode#NONE}), or every data request
 * needs an OAuth 2.0 / OpenID Connect access token (a JWT) of one issuer, verified against its
 * keys (a JWKS URL, or a file for tests and local runs).
 */
public final class AuthConfig {
    public static final String MODE = "auth";
    public static final String JWKS_URL = "auth.jwks.url";
    public static final String JWKS_FILE = "auth.jwks.file";
    public static final String ISSUER = "auth.issuer";
    public static final String AUDIENCE = "auth.audience";
    public static final String ALGORITHMS = "auth.algorithms";
    public static final String USER_CLAIM = "auth.user-claim";
    public static final String READ_SCOPE = "auth.read-scope";
    public static final String ADMIN_SCOPE = "auth.admin-scope";
    public static final String CLOCK_SKEW_S = "auth.clock-skew.s";
    public static final String JWKS_TIMEOUT_MS = "auth.jwks.timeout.ms";

    /**
     * Public-key algorithms only: the keys come from the issuer's public JWKS, so an HMAC
     * algorithm would make a public key a shared secret. EdDSA and ES256K would need libraries
     * the jar does not carry.
     */
    static final List<JWSAlgorithm> SUPPORTED_ALGORITHMS = List.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    /** RFC 6750 scope-token characters: a scope goes into WWW-Authenticate as a quoted value. */
    /** Loopback by name or address, decided without a DNS lookup. */
    private static final Pattern LOOPBACK = Pattern.compile("(?i)localhost|127(\\.\\d{1,3}){3}|\\[::1\\]");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    public enum Mode { JWT, NONE }

    private final Mode mode;
    private final URL jwksUrl;
    private final JWKSet jwksFromFile;
    private final String issuer;
    private final String audience;
    private final Set<JWSAlgorithm> algorithms;
    private final String userClaim;
    private final String readScope;
    private final String adminScope;
    private final Duration clockSkew;
    private final Duration jwksTimeout;

    private AuthConfig(Settings s, Mode defaultMode) {
        mode = s.enumValue(MODE, Mode.class, defaultMode);
        if (mode == null) {
            throw new ConfigException(s.describe(MODE) + " is required: jwt (bearer tokens, see the auth.* settings)"
                    + " or none (no authentication: anyone may read every user's limits)");
        }
        if (mode == Mode.NONE) {
            String given = s.withPrefix(MODE + ".").keySet().stream().findFirst().orElse(null);
            if (given != null) {
                throw new ConfigException(s.describe(given) + " applies only with " + s.describe(MODE) + " jwt");
            }
            jwksUrl = null;
            jwksFromFile = null;
            issuer = null;
            audience = null;
            algorithms = Set.of();
            userClaim = null;
            readScope = null;
            adminScope = null;
            clockSkew = Duration.ZERO;
            jwksTimeout = Duration.ZERO;
            return;
        }
        String url = s.string(JWKS_URL, null);
        String file = s.string(JWKS_FILE, null);
        if ((url == null) == (file == null)) {
            throw new ConfigException("with " + s.describe(MODE) + " jwt give exactly one of "
                    + s.describe(JWKS_URL) + " and " + s.describe(JWKS_FILE));
        }
        jwksUrl = url == null ? null : jwksUrl(s, url);
        jwksFromFile = file == null ? null : jwksFile(s, file);
        issuer = s.required(ISSUER);
        audience = s.required(AUDIENCE);
        algorithms = algorithms(s, s.string(ALGORITHMS, "RS256"));
        userClaim = s.string(USER_CLAIM, "sub");
        readScope = scope(s, READ_SCOPE, "limits:read");
        adminScope = scope(s, ADMIN_SCOPE, "subscriptions:admin");
        if (readScope.equals(adminScope)) {
            throw new ConfigException(s.describe(READ_SCOPE) + " and " + s.describe(ADMIN_SCOPE) + " must differ");
        }
        clockSkew = Duration.ofSeconds(s.intValue(CLOCK_SKEW_S, 60, 0));
        jwksTimeout = Duration.ofMillis(s.intValue(JWKS_TIMEOUT_MS, 2_000, 100));
    }

    static AuthConfig read(Settings settings, Mode defaultMode) {
        return new AuthConfig(settings, defaultMode);
    }

    private static URL jwksUrl(Settings s, String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            // Keys fetched over plain HTTP could be swapped on the way: only to this machine (tests, sidecars).
            boolean allowed = uri.getHost() != null
                    && (scheme.equals("https") || scheme.equals("http") && LOOPBACK.matcher(uri.getHost()).matches());
            if (!allowed) {
                throw new ConfigException(s.describe(JWKS_URL) + " must be an https URL (http only on loopback), got '" + value + "'");
            }
            return uri.toURL();
        } catch (URISyntaxException | MalformedURLException e) {
            throw new ConfigException(s.describe(JWKS_URL) + " is not a URL: '" + value + "'");
        }
    }

    private static JWKSet jwksFile(Settings s, String value) {
        JWKSet keys;
        try {
            keys = JWKSet.load(Path.of(value).toFile());
        } catch (IOException e) {
            throw new ConfigException(s.describe(JWKS_FILE) + " cannot be read: " + Cli.describe(e));
        } catch (ParseException e) {
            throw new ConfigException(s.describe(JWKS_FILE) + " is not a JWK set: " + Cli.describe(e));
        }
        if (keys.isEmpty()) {
            throw new ConfigException(s.describe(JWKS_FILE) + " holds no keys");
        }
        // Private parts, if the file has them, are never needed to verify.
        return keys.toPublicJWKSet();
    }

    private static Set<JWSAlgorithm> algorithms(Settings s, String value) {
        Set<JWSAlgorithm> out = new LinkedHashSet<>();
        for (String name : value.split(",")) {
            JWSAlgorithm algorithm = SUPPORTED_ALGORITHMS.stream()
                    .filter(a -> a.getName().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new ConfigException(s.describe(ALGORITHMS) + " must be a comma-separated list of "
                            + SUPPORTED_ALGORITHMS.stream().map(JWSAlgorithm::getName).collect(Collectors.joining(", "))
                            + ", got '" + name.trim() + "'"));
            out.add(algorithm);
        }
        return Collections.unmodifiableSet(out);
    }

    private static String scope(Settings s, String key, String defaultValue) {
        String v = s.string(key, defaultValue);
        if (!SCOPE.matcher(v).matches()) {
            throw new ConfigException(s.describe(key) + " must be one scope token (no spaces, quotes or backslashes), got '" + v + "'");
        }
        return v;
    }

    public Mode mode() {
        return mode;
    }

    /** Null when the keys come from a file. */
    public URL jwksUrl() {
        return jwksUrl;
    }

    /** The public keys of {@link #JWKS_FILE}; null when they come from a URL. */
    public JWKSet jwksFromFile() {
        return jwksFromFile;
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    public Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    /** The claim that names the user a token speaks for. */
    public String userClaim() {
        return userClaim;
    }

    /** The scope that reads any user's limits (enforcement and support services). */
    public String readScope() {
        return readScope;
    }

    /** The scope the subscription endpoints take (register, subscribe, read, delete). */
    public String adminScope() {
        return adminScope;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    /** The connect and the read timeout of one fetch of the JWKS from {@link #jwksUrl()}. */
    public Duration jwksTimeout() {
        return jwksTimeout;
    }

    /** One line for the start message. */
    String describe() {
        if (mode == Mode.NONE) {
            return "no authentication: anyone may read every user's limits";
        }
        return "bearer JWTs of " + issuer + " for " + audience + " (" + Arrays.toString(algorithms.toArray())
                + ", keys from " + (jwksUrl != null ? jwksUrl : "a file") + ")";
    }
}
