// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which resolved addresses a key fetch may reach when the issuer does not allow private ones
 * (field case BUG-19: discovery and key fetches must not become a way into the network).
 */
class HostRulesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1",
        // Regression: these special-purpose ranges were treated as public.
        "198.18.0.1", "198.19.255.255", "240.0.0.1", "255.255.255.255", "192.0.0.8",
        "192.0.0.170", "192.0.2.1", "198.51.100.7", "203.0.113.9"})
    void isNonPublicWhenIpv4IsSpecialPurposeThenTrue(String literal) throws Exception {
        assertThat(HostRules.isNonPublic(InetAddress.getByName(literal))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "100.128.0.1", "172.32.0.1", "192.0.1.1",
        "198.17.255.255", "198.20.0.1", "223.255.255.254", "192.169.0.1"})
    void isNonPublicWhenIpv4IsPublicThenFalse(String literal) throws Exception {
        assertThat(HostRules.isNonPublic(InetAddress.getByName(literal))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
        // Regression: NAT64 reaching a private IPv4 address, and the documentation prefix.
        "64:ff9b::10.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::127.0.0.1", "64:ff9b::c612:1",
        "2001:db8::1", "2001:db8:ffff::1"})
    void isNonPublicWhenIpv6IsSpecialPurposeThenTrue(String literal) throws Exception {
        assertThat(HostRules.isNonPublic(InetAddress.getByName(literal))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2606:4700:4700::1111", "2001:db9::1", "2001:0db7::1",
        "64:ff9b::1.1.1.1", "64:ff9b::808:808"})
    void isNonPublicWhenIpv6IsPublicThenFalse(String literal) throws Exception {
        assertThat(HostRules.isNonPublic(InetAddress.getByName(literal))).isFalse();
    }

    @ParameterizedTest(name = "::ffff:{0}")
    @ValueSource(strings = {"10.0.0.1", "127.0.0.1", "169.254.169.254", "198.18.0.1",
        "240.0.0.1", "192.0.0.1"})
    void isNonPublicWhenIpv4MappedIpv6EmbedsNonPublicThenTrue(String ipv4) throws Exception {
        // The JDK turns ::ffff:a.b.c.d into an IPv4 address when it parses or resolves one; an
        // Inet6Address built from the raw bytes keeps the IPv6 form, and must be judged alike.
        assertThat(HostRules.isNonPublic(mapped(ipv4))).isTrue();
        assertThat(HostRules.isNonPublic(InetAddress.getByName("::ffff:" + ipv4))).isTrue();
    }

    @ParameterizedTest(name = "::ffff:{0}")
    @ValueSource(strings = {"1.1.1.1", "8.8.4.4"})
    void isNonPublicWhenIpv4MappedIpv6EmbedsPublicThenFalse(String ipv4) throws Exception {
        assertThat(HostRules.isNonPublic(mapped(ipv4))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10.0.0.1", "[::1]", "::1", "fd00::1", "1.2.3.4"})
    void isIpLiteralWhenHostIsAnAddressThenTrue(String host) {
        assertThat(HostRules.isIpLiteral(host)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"issuer.example", "10.example", "a1.b2"})
    void isIpLiteralWhenHostIsANameThenFalse(String host) {
        assertThat(HostRules.isIpLiteral(host)).isFalse();
    }

    private static InetAddress mapped(String ipv4) throws Exception {
        byte[] v4 = InetAddress.getByName(ipv4).getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        InetAddress address = Inet6Address.getByAddress(null, v6, -1);
        assertThat(address).isInstanceOf(Inet6Address.class);
        return address;
    }
}
