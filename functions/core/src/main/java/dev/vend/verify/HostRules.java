// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.regex.Pattern;

/** Rules for hosts Vend fetches keys from: no IP literals, no private addresses by default. */
final class HostRules {

    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");
    /** 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052); IPv4 in the last 4 bytes. */
    private static final byte[] NAT64 =
            {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    /** ::ffff:0:0/96, IPv4-mapped (RFC 4291 §2.5.5.2); the JDK usually hands these over as IPv4. */
    private static final byte[] MAPPED =
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private HostRules() {
    }

    /** Whether a URI host is an IPv4 or IPv6 literal rather than a name. */
    static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.contains(":") || IPV4.matcher(host).matches();
    }

    /**
     * Whether an address is loopback, private, link-local, reserved for documentation or
     * benchmarking, or otherwise not a public unicast address (the IANA special-purpose registries,
     * RFC 6890). An IPv6 address that embeds an IPv4 address (NAT64, IPv4-mapped) is judged by the
     * IPv4 address it reaches.
     */
    static boolean isNonPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress()
                || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? isNonPublicV4(bytes) : isNonPublicV6(bytes);
    }

    private static boolean isNonPublicV4(byte[] bytes) {
        int a = bytes[0] & 0xff;
        int b = bytes[1] & 0xff;
        int c = bytes[2] & 0xff;
        return a == 0                                   // 0.0.0.0/8 "this network"
                || a == 10 || a == 127                  // RFC 1918, loopback
                || (a == 100 && (b & 0xc0) == 64)       // 100.64.0.0/10 carrier-grade NAT
                || (a == 169 && b == 254)               // link-local
                || (a == 172 && (b & 0xf0) == 16)       // RFC 1918
                || (a == 192 && b == 168)               // RFC 1918
                || (a == 192 && b == 0 && c == 0)       // 192.0.0.0/24 IETF protocol assignments
                || (a == 192 && b == 0 && c == 2)       // TEST-NET-1
                || (a == 198 && (b & 0xfe) == 18)       // 198.18.0.0/15 benchmarking
                || (a == 198 && b == 51 && c == 100)    // TEST-NET-2
                || (a == 203 && b == 0 && c == 113)     // TEST-NET-3
                || a >= 224;                            // multicast, 240.0.0.0/4, broadcast
    }

    private static boolean isNonPublicV6(byte[] bytes) {
        if (hasPrefix(bytes, NAT64) || hasPrefix(bytes, MAPPED)) {
            return isNonPublicV4(Arrays.copyOfRange(bytes, 12, 16));
        }
        boolean uniqueLocal = (bytes[0] & 0xfe) == 0xfc;       // fc00::/7, not "site-local" to Java
        boolean documentation = bytes[0] == 0x20 && bytes[1] == 0x01
                && bytes[2] == 0x0d && (bytes[3] & 0xff) == 0xb8; // 2001:db8::/32
        return uniqueLocal || documentation;
    }

    private static boolean hasPrefix(byte[] bytes, byte[] prefix) {
        return Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
