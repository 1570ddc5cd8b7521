// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Prints a TCP port that is free on the loopback interface, as the kernel's ephemeral range
 * hands it out (so never a well-known port such as 8080). Another process may take it before the
 * caller binds it; the demo script then sees its server exit and stops.
 */
public final class FreePort {

    private FreePort() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println(socket.getLocalPort());
        }
    }
}
