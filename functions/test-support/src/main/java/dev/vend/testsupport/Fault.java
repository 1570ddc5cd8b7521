// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FaultProxy} does with a request: pass it on, reset the connection, hold it, or
 * answer it with a canned response instead of the dependency. The factories for throttling give
 * each service's real error shape, as its SDK parses it:
 * <ul>
 *   <li>DynamoDB (JSON 1.0): HTTP 400, {@code __type} ending in
 *       {@code #ProvisionedThroughputExceededException} or {@code #ThrottlingException}, or any
 *       status and code ({@link #dynamoDbError});</li>
 *   <li>KMS (JSON 1.1): HTTP 400, {@code __type: ThrottlingException};</li>
 *   <li>STS (query protocol): HTTP 400, an XML {@code ErrorResponse} with code
 *       {@code Throttling}, or any status and code ({@link #stsError});</li>
 *   <li>a JWKS endpoint: HTTP 429 or 503 with {@code Retry-After}.</li>
 * </ul>
 * Error messages name an account and a role, as real ones do, so a test can check that they
 * never reach a caller or a log. Immutable.
 */
public final class Fault {

    /** What the proxy does. */
    public enum Kind {
        /** Forwards the request and returns the dependency's answer. */
        PASS,
        /** Reads the request, then resets the connection (TCP RST): the service is down. */
        RESET,
        /**
         * Holds the request for the delay, then forwards it; if the client gives up first, the
         * request is dropped and the dependency never sees it.
         */
        DELAY,
        /**
         * Answers the head of a 200 response and the first bytes of its body, then sends nothing
         * more for the delay (or until the client gives up), and closes: a body that stalls.
         * The dependency never sees the request.
         */
        STALL,
        /** Answers with a canned response; the dependency never sees the request. */
        ANSWER
    }

    private static final String AWS_MESSAGE = "User: arn:aws:sts::123456789012:assumed-role/"
            + "vend-fn/fault is not authorized; rate exceeded";

    private final Kind kind;
    private final String description;
    private final Duration delay;
    private final byte @Nullable [] response;

    private Fault(Kind kind, String description, Duration delay, byte @Nullable [] response) {
        this.kind = kind;
        this.description = description;
        this.delay = delay;
        this.response = response;
    }

    /** Forwards every request. */
    public static Fault pass() {
        return new Fault(Kind.PASS, "pass", Duration.ZERO, null);
    }

    /** Resets the connection once the request is read: connection reset by peer. */
    public static Fault reset() {
        return new Fault(Kind.RESET, "connection reset", Duration.ZERO, null);
    }

    /** Holds each request this long before forwarding it; see {@link Kind#DELAY}. */
    public static Fault delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        return new Fault(Kind.DELAY, "delay " + delay.toMillis() + " ms", delay, null);
    }

    /** Answers a response head and one body byte, then stalls; see {@link Kind#STALL}. */
    public static Fault stallBody(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 4096\r\nConnection: close\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII);
        return new Fault(Kind.STALL, "body stalls " + delay.toMillis() + " ms", delay, head);
    }

    /**
     * Answers the head of a 200 response announcing a body of 1 GiB, sends its first
     * {@code sent} bytes, then stalls like {@link #stallBody}: an answer too large to read whole.
     */
    public static Fault hugeBody(int sent, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                + "Content-Length: 1073741824\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] response = Arrays.copyOf(head, head.length + sent);
        Arrays.fill(response, head.length, response.length, (byte) 'x');
        return new Fault(Kind.STALL, "huge body, stalls after " + sent + " bytes", delay,
                response);
    }

    /**
     * Answers with this status, content type and body, and closes the connection.
     *
     * @param headers extra header lines, each {@code "Name: value"}
     */
    public static Fault answer(int status, String contentType, String body, String... headers) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("not a final HTTP status: " + status);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var head = new StringBuilder("HTTP/1.1 ").append(status).append(" Fault\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(bytes.length).append("\r\n")
                .append("x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n")
                .append("Connection: close\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[headBytes.length + bytes.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(bytes, 0, response, headBytes.length, bytes.length);
        return new Fault(Kind.ANSWER, "HTTP " + status, Duration.ZERO, response);
    }

    /**
     * DynamoDB throttling in the JSON 1.0 protocol.
     *
     * @param code {@code ProvisionedThroughputExceededException} (a provisioned table) or
     *     {@code ThrottlingException} (an on-demand table over its limits, or the control plane)
     */
    public static Fault dynamoDbThrottling(String code) {
        String namespace = "ThrottlingException".equals(code)
                ? "com.amazon.coral.availability#" : "com.amazonaws.dynamodb.v20120810#";
        return named(answer(400, "application/x-amz-json-1.0",
                "{\"__type\":\"" + namespace + code + "\",\"message\":\"" + AWS_MESSAGE + "\"}",
                "x-amzn-ErrorType: " + code), code);
    }

    /**
     * Any DynamoDB error in the JSON 1.0 protocol, for example 500 {@code InternalServerError}
     * or 400 {@code AccessDeniedException}.
     */
    public static Fault dynamoDbError(int status, String code) {
        return named(answer(status, "application/x-amz-json-1.0",
                "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + code + "\",\"message\":\""
                        + AWS_MESSAGE + "\"}", "x-amzn-ErrorType: " + code), code);
    }

    /** KMS throttling in the JSON 1.1 protocol: {@code ThrottlingException}. */
    public static Fault kmsThrottling() {
        return named(answer(400, "application/x-amz-json-1.1",
                "{\"__type\":\"ThrottlingException\",\"message\":\"" + AWS_MESSAGE + "\"}"),
                "ThrottlingException");
    }

    /** STS throttling in the query protocol: an XML error with code {@code Throttling}. */
    public static Fault stsThrottling() {
        return stsError(400, "Throttling");
    }

    /**
     * An STS error in the query protocol: this status and an XML {@code ErrorResponse} with this
     * code, for example 400 {@code RequestLimitExceeded} or 503 {@code ServiceUnavailable}.
     */
    public static Fault stsError(int status, String code) {
        return named(answer(status, "text/xml",
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                        + "<Type>" + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>"
                        + code + "</Code><Message>" + AWS_MESSAGE + "</Message></Error>"
                        + "<RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
                        + "</ErrorResponse>"), code);
    }

    /** An HTTP endpoint refusing for now: 429 or 503 with {@code Retry-After: 30}. */
    public static Fault httpStatus(int status) {
        return answer(status, "application/json", "{\"error\":\"rate_limited\"}",
                "Retry-After: 30");
    }

    /** What the proxy does. */
    public Kind kind() {
        return kind;
    }

    /** How long {@link Kind#DELAY} and {@link Kind#STALL} hold a request; zero otherwise. */
    public Duration delay() {
        return delay;
    }

    /** The raw HTTP response of {@link Kind#ANSWER}, or what {@link Kind#STALL} sends first. */
    byte[] response() {
        return Objects.requireNonNull(response, "no response").clone();
    }

    /** A short description, e.g. {@code HTTP 400 ThrottlingException}. */
    @Override
    public String toString() {
        return description;
    }

    private static Fault named(Fault fault, String code) {
        return new Fault(fault.kind, fault.description + " " + code, fault.delay, fault.response);
    }
}
