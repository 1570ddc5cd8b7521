// SPDX-License-Identifier: Apache-2.0
package dev.vend.aws;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An execution interceptor that replaces the emulator's HTTP response, after the request was
 * sent and handled, with a canned status and body: an AWS error the emulator can not produce
 * (throttling, access denied), or a lost response (a 500 after the write went through).
 *
 * <p>Thread-safe.
 */
public final class CannedResponse implements ExecutionInterceptor {

    private final int status;
    private final String body;
    private final int times;
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger replaced = new AtomicInteger();

    private CannedResponse(int status, String body, int times) {
        this.status = status;
        this.body = body;
        this.times = times;
    }

    /**
     * Answers every attempt with a DynamoDB error in the JSON 1.0 protocol's shape.
     *
     * @param status the HTTP status
     * @param code the error code, e.g. {@code ProvisionedThroughputExceededException}
     * @param message the AWS error message, which must never reach Vend's failures
     */
    public static CannedResponse dynamoDbError(int status, String code, String message) {
        var json = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + code
                + "\",\"message\":\"" + message + "\"}";
        return new CannedResponse(status, json, Integer.MAX_VALUE);
    }

    /** Turns the first attempt's answer, whatever it was, into a bodiless HTTP 500. */
    public static CannedResponse firstResponseLost() {
        return new CannedResponse(500, "{}", 1);
    }

    /** How many HTTP attempts went out. */
    public int attempts() {
        return attempts.get();
    }

    /** How many responses were replaced. */
    public int replaced() {
        return replaced.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context,
            ExecutionAttributes attributes) {
        attempts.incrementAndGet();
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        if (attempts.get() > times) {
            return context.httpResponse();
        }
        replaced.incrementAndGet();
        // The body changes, so the emulator's checksum of the old body must go.
        return context.httpResponse().toBuilder()
                .statusCode(status)
                .removeHeader("x-amz-crc32")
                .build();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        if (attempts.get() > times) {
            return context.responseBody();
        }
        return Optional.of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }
}
