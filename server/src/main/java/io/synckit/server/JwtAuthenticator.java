package io.synckit.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.synckit.core.sync.SyncServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Checks the JWT a client sends in Hello and turns its {@code synckit} claim into a {@link SyncServer.Grant}.
 * One key per authenticator: HS256 with a shared secret, or RS256 / ES256 with a public key (the
 * algorithm in the token's header must be the key's; {@code none} and every other algorithm are refused).
 *
 * <p>Required claims: {@code sub} (non-empty) and {@code exp} (checked with {@link #CLOCK_SKEW_SECONDS} of
 * leeway; {@code nbf}, when present, too). Permissions ({@link Permissions} gives the exact rules):
 * <pre>{"synckit": {"docs": {"todo-*": "write", "public/": "read", "*": "admin"}}}</pre>
 * Any token that fails a check authenticates to null, which the engine answers with UNAUTHENTICATED.
 */
public final class JwtAuthenticator implements SyncServer.Authenticator {
    public static final long CLOCK_SKEW_SECONDS = 60;

    private final JWSAlgorithm algorithm;
    private final JWSVerifier verifier;
    private final LongSupplier clockMillis;

    private JwtAuthenticator(JWSAlgorithm algorithm, JWSVerifier verifier, LongSupplier clockMillis) {
        this.algorithm = algorithm;
        this.verifier = verifier;
        this.clockMillis = clockMillis;
    }

    /** HS256 with {@code secret} (at least 32 bytes). */
    public static JwtAuthenticator hs256(byte[] secret, LongSupplier clockMillis) {
        try {
            return new JwtAuthenticator(JWSAlgorithm.HS256, new MACVerifier(secret), clockMillis);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the HS256 secret must be at least 32 bytes: " + e.getMessage(), e);
        }
    }

    /** RS256 for an RSA key, ES256 for an EC P-256 key. */
    public static JwtAuthenticator publicKey(PublicKey key, LongSupplier clockMillis) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                return new JwtAuthenticator(JWSAlgorithm.RS256, new RSASSAVerifier(rsa), clockMillis);
            }
            if (key instanceof ECPublicKey ec) {
                return new JwtAuthenticator(JWSAlgorithm.ES256, new ECDSAVerifier(ec), clockMillis);
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable public key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the public key must be RSA (RS256) or EC P-256 (ES256), not "
                + key.getAlgorithm());
    }

    /** Reads a PEM {@code -----BEGIN PUBLIC KEY-----} file (X.509 SubjectPublicKeyInfo, RSA or EC). */
    public static PublicKey readPemPublicKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + " is not a PEM public key (expected -----BEGIN PUBLIC KEY-----; convert an "
                    + "RSA PUBLIC KEY or a certificate with: openssl pkey -pubin -in FILE or openssl x509 -pubkey -noout)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 26, end));
        for (String kind : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(kind).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next kind
            }
        }
        throw new IOException(file + " holds neither an RSA nor an EC public key");
    }

    @Override
    public SyncServer.Grant authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!algorithm.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            long now = clockMillis.getAsLong();
            Date exp = claims.getExpirationTime();
            if (claims.getSubject() == null || claims.getSubject().isEmpty() || exp == null
                    || exp.getTime() + CLOCK_SKEW_SECONDS * 1000 <= now) {
                return null;
            }
            Date nbf = claims.getNotBeforeTime();
            if (nbf != null && nbf.getTime() - CLOCK_SKEW_SECONDS * 1000 > now) {
                return null;
            }
            Permissions p = Permissions.parse(claims.getClaim("synckit"));
            p.subject = claims.getSubject();
            p.expiresAt = exp.getTime() + CLOCK_SKEW_SECONDS * 1000; // as at Hello: the skew is allowed
            return p;
        } catch (ParseException | JOSEException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }

    /** A signed HS256 token for {@code sub} with {@code docs} as its permission map (dev tokens, tests). */
    public static String signHs256(byte[] secret, String sub, Map<String, String> docs, long expiresAtMillis) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .subject(sub)
                    .issueTime(new Date())
                    .expirationTime(new Date(expiresAtMillis))
                    .claim("synckit", Map.of("docs", new LinkedHashMap<>(docs)))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** Tries each authenticator in turn; the first grant wins (dev mode: the dev key and a configured one). */
    public static SyncServer.Authenticator anyOf(List<SyncServer.Authenticator> all) {
        List<SyncServer.Authenticator> copy = List.copyOf(all);
        return token -> {
            for (SyncServer.Authenticator a : copy) {
                SyncServer.Grant g = a.authenticate(token);
                if (g != null) {
                    return g;
                }
            }
            return null;
        };
    }

    /**
     * The {@code synckit.docs} claim: an object from pattern to level. Patterns: {@code *} matches every
     * document; a pattern ending in {@code *} matches ids starting with what precedes the star; a pattern
     * ending in {@code /} matches ids starting with it (a folder); anything else matches that exact id.
     * Levels: {@code read} (subscribe, receive), {@code write} (read and send updates), {@code admin}
     * (write; reserved for administrative operations). The highest level of all matching patterns applies;
     * no match means no access. A missing claim grants nothing (the token still authenticates); a malformed
     * one (not an object, an unknown level) refuses the token.
     */
    static final class Permissions implements SyncServer.Grant {
        static final int NONE = 0;
        static final int READ = 1;
        static final int WRITE = 2;
        static final int ADMIN = 3;

        private final List<String> patterns = new ArrayList<>();
        private String subject = "";
        private double expiresAt = Double.POSITIVE_INFINITY;
        private final List<Integer> levels = new ArrayList<>();

        static Permissions parse(Object claim) {
            Permissions p = new Permissions();
            if (claim == null) {
                return p;
            }
            Object docs = ((Map<?, ?>) claim).get("docs");
            if (docs == null) {
                return p;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) docs).entrySet()) {
                p.patterns.add((String) e.getKey());
                p.levels.add(level((String) e.getValue()));
            }
            return p;
        }

        static int level(String name) {
            return switch (name) {
                case "read" -> READ;
                case "write" -> WRITE;
                case "admin" -> ADMIN;
                default -> throw new IllegalArgumentException("unknown permission level " + name);
            };
        }

        int levelFor(String docId) {
            int best = NONE;
            for (int i = 0; i < patterns.size(); i++) {
                if (matches(patterns.get(i), docId)) {
                    best = Math.max(best, levels.get(i));
                }
            }
            return best;
        }

        static boolean matches(String pattern, String docId) {
            if (pattern.endsWith("*")) {
                return docId.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            if (pattern.endsWith("/")) {
                return docId.startsWith(pattern);
            }
            return docId.equals(pattern);
        }

        @Override
        public boolean canRead(String docId) {
            return levelFor(docId) >= READ;
        }

        @Override
        public boolean canWrite(String docId) {
            return levelFor(docId) >= WRITE;
        }

        @Override
        public double expiresAtMillis() {
            return expiresAt;
        }

        @Override
        public String subject() {
            return subject;
        }
    }
}
