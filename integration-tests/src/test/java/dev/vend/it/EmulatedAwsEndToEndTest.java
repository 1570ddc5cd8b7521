// SPDX-License-Identifier: Apache-2.0
package dev.vend.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vend.testsupport.Dynalite;
import dev.vend.testsupport.FakeKms;
import dev.vend.testsupport.FakeSts;
import org.junit.jupiter.api.AfterAll;

/** The end-to-end suite against dynalite (started by the build), FakeKms and FakeSts. */
class EmulatedAwsEndToEndTest extends LambdaEndToEndSuite {

    private FakeKms kms;
    private FakeSts sts;

    @Override
    Endpoints endpoints() {
        kms = FakeKms.start();
        sts = FakeSts.start();
        // FakeSts checks SigV4 with its caller credentials; dynalite and FakeKms take any.
        return new Endpoints(Dynalite.shared().endpoint(), kms.endpoint(), sts.endpoint(),
                FakeKms.REGION, FakeSts.CALLER_ACCESS_KEY_ID, FakeSts.CALLER_SECRET_KEY,
                FakeSts.CALLER_SESSION_TOKEN);
    }

    @Override
    String createSigningKey(String algorithm) {
        return "ES256".equals(algorithm) ? kms.createEcP256Key() : kms.createRsa2048Key();
    }

    @Override
    String createRole(String name) {
        return sts.createRole(name);
    }

    @Override
    void assertAssumed(String roleArn, String policyId) {
        assertThat(sts.sessions()).last().satisfies(session -> {
            assertThat(session.roleArn()).isEqualTo(roleArn);
            assertThat(session.durationSeconds()).isEqualTo(900);
            assertThat(session.tags()).containsEntry("vend:policy_id", policyId);
        });
    }

    @AfterAll
    void stopFakes() {
        if (kms != null) {
            kms.close();
        }
        if (sts != null) {
            sts.close();
        }
    }
}
