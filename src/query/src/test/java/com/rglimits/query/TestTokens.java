package com.rglimits.query;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;

/**
 * Keys and access tokens made by the tests, as an issuer would make them (Nimbus generates and
 * signs). Also a command for load runs with authentication on: writes a JWKS file with a fresh
 * key and prints one token signed with it (see docs/query-api.md).
 */
final class TestTokens {
    static final String ISSUER = "https://issuer.test/";
    static final String AUDIENCE = "user-limits-api";

    private TestTokens() {}

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS an issuer publishes for these keys. */
    static String jwks(JWK... keys) {
        return new JWKSet(Arrays.asList(keys)).toString(true);
    }

    /** Claims of a token valid for five minutes from now, for {@link #ISSUER} and {@link #AUDIENCE}. */
    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    /** Signed with RS256 (an RSA key) or ES256 (an EC key), the key's id in the header. */
    static String sign(JWK key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt;
            if (key instanceof RSAKey) {
                jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
                jwt.sign(new RSASSASigner((RSAKey) key));
            } else {
                jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
                jwt.sign(new ECDSASigner((ECKey) key));
            }
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code --jwks FILE [--scope S] [--sub USER] [--valid-hours H]}: writes the JWKS, prints a token. */
    public static void main(String[] args) throws Exception {
        Settings s = ConfigReaders.fromArgs(args);
        Path file = Path.of(s.required("jwks"));
        String scope = s.string("scope", null);
        String sub = s.string("sub", "load-runner");
        long hours = s.longValue("valid-hours", 1, 1);
        s.rejectUnknown();
        RSAKey key = rsa("load-" + Instant.now().getEpochSecond());
        Files.writeString(file, jwks(key), StandardCharsets.UTF_8);
        JWTClaimsSet.Builder claims = claims().subject(sub)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(hours))));
        if (scope != null) {
            claims.claim("scope", scope);
        }
        System.out.println(sign(key, claims.build()));
    }
}
