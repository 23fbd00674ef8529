package io.synckit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.synckit.core.sync.SyncServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final long NOW = 1_800_000_000_000L;
    final JwtAuthenticator hs = JwtAuthenticator.hs256(SECRET, () -> NOW);

    static String token(Map<String, String> docs, long exp) {
        return JwtAuthenticator.signHs256(SECRET, "alice", docs, exp);
    }

    @Test
    void permissionPatterns() {
        SyncServer.Grant g = hs.authenticate(token(Map.of("todo-*", "write", "public/", "read", "exact", "admin"), NOW + 60_000));
        assertNotNull(g);
        assertTrue(g.canWrite("todo-1"));
        assertTrue(g.canWrite("todo-"));
        assertTrue(g.canRead("public/readme"));
        assertFalse(g.canWrite("public/readme"));
        assertFalse(g.canRead("public"), "public/ is a folder: the bare name is not in it");
        assertTrue(g.canWrite("exact"));
        assertFalse(g.canRead("exactly"));
        assertFalse(g.canRead("other"));
        SyncServer.Grant all = hs.authenticate(token(Map.of("*", "read", "mine/", "write"), NOW + 60_000));
        assertTrue(all.canRead("anything"));
        assertFalse(all.canWrite("anything"));
        assertTrue(all.canWrite("mine/x"), "the highest matching level applies");
    }

    @Test
    void expiryIsCheckedWithSmallSkew() {
        assertNotNull(hs.authenticate(token(Map.of("*", "read"), NOW - 30_000)), "within the 60 s skew");
        assertNull(hs.authenticate(token(Map.of("*", "read"), NOW - 61_000)));
    }

    @Test
    void refusesWhatIsNotAValidTokenOfThisKey() throws Exception {
        assertNull(hs.authenticate(""));
        assertNull(hs.authenticate("not.a.jwt"));
        assertNull(JwtAuthenticator.hs256("another-secret-another-secret-xx".getBytes(StandardCharsets.UTF_8), () -> NOW)
                .authenticate(token(Map.of("*", "write"), NOW + 60_000)), "signed with another key");
        assertNull(hs.authenticate(token(Map.of("*", "superuser"), NOW + 60_000)), "unknown level");
        // no exp, no sub
        SignedJWT noExp = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("a").build());
        noExp.sign(new com.nimbusds.jose.crypto.MACSigner(SECRET));
        assertNull(hs.authenticate(noExp.serialize()));
        SignedJWT noSub = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().expirationTime(new Date(NOW + 60_000)).build());
        noSub.sign(new com.nimbusds.jose.crypto.MACSigner(SECRET));
        assertNull(hs.authenticate(noSub.serialize()));
        // alg none
        String[] parts = token(Map.of("*", "write"), NOW + 60_000).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertNull(hs.authenticate(none + "." + parts[1] + "."));
    }

    @Test
    void aTokenWithoutPermissionsAuthenticatesButGrantsNothing() throws Exception {
        SignedJWT t = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().subject("a").expirationTime(new Date(NOW + 60_000)).build());
        t.sign(new com.nimbusds.jose.crypto.MACSigner(SECRET));
        SyncServer.Grant g = hs.authenticate(t.serialize());
        assertNotNull(g);
        assertFalse(g.canRead("x"));
    }

    static Path pem(Path dir, KeyPair kp) throws Exception {
        Path f = dir.resolve("key.pem");
        Files.writeString(f, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(kp.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        return f;
    }

    static JWTClaimsSet claims(long exp) {
        return new JWTClaimsSet.Builder().subject("bob").expirationTime(new Date(exp))
                .claim("synckit", Map.of("docs", Map.of("*", "write"))).build();
    }

    @Test
    void es256AndRs256FromPemFiles(@TempDir Path dir) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ecKeys = ec.generateKeyPair();
        JwtAuthenticator es = JwtAuthenticator.publicKey(JwtAuthenticator.readPemPublicKey(pem(dir, ecKeys)), () -> NOW);
        SignedJWT t = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims(NOW + 60_000));
        t.sign(new ECDSASigner((ECPrivateKey) ecKeys.getPrivate()));
        assertTrue(es.authenticate(t.serialize()).canWrite("x"));
        assertNull(es.authenticate(token(Map.of("*", "write"), NOW + 60_000)), "HS256 token for an ES256 key");

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        JwtAuthenticator rs = JwtAuthenticator.publicKey(JwtAuthenticator.readPemPublicKey(pem(dir, rsaKeys)), () -> NOW);
        SignedJWT r = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims(NOW + 60_000));
        r.sign(new RSASSASigner(rsaKeys.getPrivate()));
        assertTrue(rs.authenticate(r.serialize()).canRead("x"));
        SignedJWT expired = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims(NOW - 120_000));
        expired.sign(new RSASSASigner(rsaKeys.getPrivate()));
        assertNull(rs.authenticate(expired.serialize()));
    }

    @Test
    void aShortSecretOrANonPemFileIsRefused(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> JwtAuthenticator.hs256(new byte[16], () -> NOW));
        Path f = dir.resolve("x.pem");
        Files.writeString(f, "hello");
        assertTrue(assertThrows(java.io.IOException.class, () -> JwtAuthenticator.readPemPublicKey(f)).getMessage()
                .contains("not a PEM public key"));
        assertEquals(60, JwtAuthenticator.CLOCK_SKEW_SECONDS);
    }
}
