// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import dev.vend.model.Attestation;
import dev.vend.model.VerifiedIdentity;
import dev.vend.testsupport.TestAzureAttested;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Azure attested document against its floor: {@link #verify()} is
 * {@code VerifierRegistry.verify} of an IMDS response (strict JSON, PKCS7 parsed, its signature
 * checked with the certificate it carries, that certificate's PKIX path built through the
 * configured intermediate to the root, its IMDS name, expiry, the nonce consumed as a challenge);
 * {@link #floor(Blackhole)} is one signature check of the same PKCS7 with the same key
 * ({@link SignatureFloor}) plus one PKIX validation of the same chain ({@link PkixFloor}). RSA-2048
 * keys throughout, made at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AzureBenchmark {

    /**
     * {@code azure}: as Azure signs (no signed attributes, the digest named
     * {@code sha256WithRSAEncryption}); {@code attributes}: with signed attributes, the shape
     * BouncyCastle verifies itself.
     */
    @Param({"azure", "attributes"})
    public String shape = "azure";

    private CloudVerifiers cloud;
    private Attestation document;
    private SignatureFloor signatureFloor;
    private PkixFloor chainFloor;

    @Setup(Level.Trial)
    public void setUp() {
        cloud = CloudVerifiers.start();
        byte[] pkcs7 = cloud.azurePkcs7("attributes".equals(shape));
        document = CloudVerifiers.azureAttestation(pkcs7);
        TestAzureAttested pki = cloud.azurePki();
        signatureFloor = SignatureFloor.pkcs7(pkcs7, pki.signer().getPublicKey(),
                "SHA256withRSA");
        chainFloor = new PkixFloor(List.of(pki.signer(), pki.ca()), pki.root(), cloud.now());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cloud.close();
    }

    @Benchmark
    public VerifiedIdentity verify() {
        return cloud.verifiers().verify(document);
    }

    @Benchmark
    public void floor(Blackhole blackhole) throws GeneralSecurityException {
        blackhole.consume(signatureFloor.verify());
        blackhole.consume(chainFloor.validate());
    }

    CloudVerifiers cloud() {
        return cloud;
    }

    SignatureFloor signatureFloor() {
        return signatureFloor;
    }

    PkixFloor chainFloor() {
        return chainFloor;
    }
}
