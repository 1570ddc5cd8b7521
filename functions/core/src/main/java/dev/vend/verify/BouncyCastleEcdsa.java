// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * A JCA provider of two signature verifications, {@code SHA256withECDSA} on P-256 and
 * {@code SHA384withECDSA} on P-384, computed by BouncyCastle's lightweight ECDSA: its
 * {@link ECDSASigner} behind a {@link DSADigestSigner} with the strict DER encoding, which is
 * what BouncyCastle's own provider runs for these names. It exists for start-up time only: the
 * full {@code BouncyCastleProvider} registers every algorithm it has when it is built, and its
 * conversion of a JDK public key computes the parameters of every named curve it knows, together
 * about 1,300 classes and 150 ms of a cold start for one signature check (docs/performance.md,
 * "JVM cold start"). Verification only: signing is refused.
 */
final class BouncyCastleEcdsa extends Provider {

    private static final long serialVersionUID = 1L;

    BouncyCastleEcdsa() {
        super("VendBouncyCastleEcdsa", "1.0", "BouncyCastle's ECDSA verification, for JWS");
        put("Signature.SHA256withECDSA", P256.class.getName());
        put("Signature.SHA384withECDSA", P384.class.getName());
    }

    /** ES256: SHA-256 and P-256. */
    public static final class P256 extends Verification {
        public P256() {
            super(Curves.P256, SHA256Digest::new);
        }
    }

    /** ES384: SHA-384 and P-384. */
    public static final class P384 extends Verification {
        public P384() {
            super(Curves.P384, SHA384Digest::new);
        }
    }

    /** The curves, made on first use (each loads BouncyCastle's code for its field). */
    private static final class Curves {
        static final ECDomainParameters P256 = domain("secp256r1");
        static final ECDomainParameters P384 = domain("secp384r1");

        private static ECDomainParameters domain(String name) {
            X9ECParameters curve = CustomNamedCurves.getByName(name);
            return new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(),
                    curve.getH(), curve.getSeed());
        }
    }

    /** One ECDSA verification on one curve with one digest. Not thread-safe, as JCA's are not. */
    private abstract static class Verification extends SignatureSpi {

        private final ECDomainParameters domain;
        private final DSADigestSigner signer;

        Verification(ECDomainParameters domain, Supplier<Digest> digest) {
            this.domain = domain;
            this.signer = new DSADigestSigner(new ECDSASigner(), digest.get(),
                    StandardDSAEncoding.INSTANCE);
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            if (!(publicKey instanceof ECPublicKey key) || !onThisCurve(key.getParams())) {
                throw new InvalidKeyException("not a public key on this signature's curve");
            }
            ECPoint w = key.getW();
            try {
                // The constructor checks that the point is on the curve and not infinity.
                signer.init(false, new ECPublicKeyParameters(
                        domain.getCurve().createPoint(w.getAffineX(), w.getAffineY()), domain));
            } catch (IllegalArgumentException e) {
                throw new InvalidKeyException("not a valid point on this signature's curve");
            }
        }

        /** Whether the key's parameters are exactly this curve's. */
        private boolean onThisCurve(ECParameterSpec spec) {
            BigInteger a = spec.getCurve().getA();
            BigInteger b = spec.getCurve().getB();
            ECPoint g = spec.getGenerator();
            return spec.getOrder().equals(domain.getN())
                    && BigInteger.valueOf(spec.getCofactor()).equals(domain.getH())
                    && spec.getCurve().getField().getFieldSize() == domain.getCurve().getFieldSize()
                    && a.equals(domain.getCurve().getA().toBigInteger())
                    && b.equals(domain.getCurve().getB().toBigInteger())
                    && g.getAffineX().equals(domain.getG().getAffineXCoord().toBigInteger())
                    && g.getAffineY().equals(domain.getG().getAffineYCoord().toBigInteger());
        }

        @Override
        protected void engineUpdate(byte b) {
            signer.update(b);
        }

        @Override
        protected void engineUpdate(byte[] bytes, int offset, int length) {
            signer.update(bytes, offset, length);
        }

        /** False for a signature that is not strict DER of two integers in [1, n - 1]. */
        @Override
        protected boolean engineVerify(byte[] signature) {
            return signer.verifySignature(signature);
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            throw new InvalidKeyException("this provider only verifies");
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            throw new SignatureException("this provider only verifies");
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("no parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("no parameters");
        }
    }
}
