// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A transport for tests of proofs signed for AWS's own STS hosts: it delivers the rebuilt request
 * to a {@code FakeSts} on the loopback interface over plain HTTP/1.1, with the signed host in
 * {@code Host} (which the JDK client would not send), so no test ever reaches AWS.
 */
final class SignedHostTransport implements AwsVerifierConfig.StsTransport {

    private final URI fake;

    private SignedHostTransport(URI fake) {
        this.fake = fake;
    }

    /** Delivers every request to the fake listening at {@code http://127.0.0.1:<port>}. */
    static AwsVerifierConfig.StsTransport to(URI fake) {
        return new SignedHostTransport(fake);
    }

    @Override
    public AwsVerifierConfig.StsReply send(AwsVerifierConfig.StsRequest request) {
        try (Socket socket = new Socket(fake.getHost(), fake.getPort())) {
            byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
            var head = new StringBuilder("POST / HTTP/1.1\r\nHost: " + request.host() + "\r\n");
            request.headers().forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            head.append("Content-Length: ").append(body.length)
                    .append("\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException("fake STS unreachable", e);
        }
    }

    private static AwsVerifierConfig.StsReply readReply(InputStream in) throws IOException {
        String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int status = Integer.parseInt(all.substring(9, 12));
        int split = all.indexOf("\r\n\r\n");
        String head = all.substring(0, split).toLowerCase(Locale.ROOT);
        String body = all.substring(split + 4);
        if (head.contains("transfer-encoding: chunked")) {
            body = unchunk(body);
        }
        return new AwsVerifierConfig.StsReply(status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String unchunk(String chunked) {
        var out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}
