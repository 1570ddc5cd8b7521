// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.net.InetAddress;
import java.util.regex.Pattern;

/** Rules for hosts Vend fetches keys from: no IP literals, no private addresses by default. */
final class HostRules {

    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

    private HostRules() {
    }

    /** Whether a URI host is an IPv4 or IPv6 literal rather than a name. */
    static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.contains(":") || IPV4.matcher(host).matches();
    }

    /** Whether an address is loopback, private, link-local or otherwise not public. */
    static boolean isNonPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress()
                || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            // fc00::/7 unique local addresses, which Java does not call site-local.
            return (bytes[0] & 0xfe) == 0xfc;
        }
        // 100.64.0.0/10 carrier-grade NAT and 0.0.0.0/8.
        return (bytes[0] == 100 && (bytes[1] & 0xc0) == 64) || bytes[0] == 0;
    }
}
