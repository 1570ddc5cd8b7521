// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws.kms;

import dev.vend.aws.AwsFailures;
import dev.vend.verify.FailureKind;
import dev.vend.verify.VendingFailure;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Classifies KMS errors, on top of {@link AwsFailures} (whose sanitised messages it keeps: error
 * code and HTTP status, never the AWS message, which names ARNs and accounts).
 *
 * <p>Transient: throttling, timeouts, {@code KMSInternalException},
 * {@code DependencyTimeoutException}, {@code KeyUnavailableException}, and every client-side
 * error. Permanent: {@code DisabledException}, {@code KMSInvalidStateException},
 * {@code AccessDeniedException}, {@code NotFoundException}, {@code InvalidKeyUsageException} and
 * every other service error. KMS answers the transient ones with 5xx as well, but the code
 * decides, whatever the status.
 *
 * <p>Stateless and thread-safe.
 */
final class KmsFailures {

    private static final Set<String> TRANSIENT = Set.of("ThrottlingException",
            "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException");
    private static final Set<String> PERMANENT = Set.of("DisabledException",
            "KMSInvalidStateException", "AccessDeniedException", "NotFoundException",
            "InvalidKeyUsageException", "IncorrectKeyException", "InvalidArnException");

    private KmsFailures() {
    }

    /** The failure for an SDK exception from a KMS operation. */
    static VendingFailure failure(String operation, SdkException exception) {
        VendingFailure general = AwsFailures.failure("KMS " + operation, exception);
        FailureKind kind = kindOf(exception, general.kind());
        return kind == general.kind() ? general
                : new VendingFailure(kind, general.getMessage(), general.getCause());
    }

    private static FailureKind kindOf(SdkException exception, FailureKind general) {
        if (exception instanceof AwsServiceException service
                && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            if (TRANSIENT.contains(code)) {
                return FailureKind.TRANSIENT;
            }
            if (PERMANENT.contains(code)) {
                return FailureKind.PERMANENT;
            }
        }
        return general;
    }
}
