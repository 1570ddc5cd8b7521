// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checks on a configured STS endpoint URL. It becomes a host Vend sends signed requests to,
 * so it must be exact: {@code https}, except plain {@code http} to the loopback interface (an
 * emulator beside Vend; nothing leaves the machine); a host name or IPv4 address a SigV4
 * {@code Host} header can carry; and nothing a request could be steered by: no user info, path,
 * query or fragment.
 */
final class StsEndpointRules {

    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern LOOPBACK_V4 =
            Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}");

    private static final String NOT_A_HOST = "no host, or not a host name or IPv4 address";

    private StsEndpointRules() {
    }

    static AwsVerifierConfig.StsEndpoint parse(String text) {
        URI uri = uri(text.strip());
        String scheme = scheme(uri);
        String host = host(uri);
        checkNothingElse(uri);
        if ("http".equals(scheme) && !isLoopback(host)) {
            throw new IllegalArgumentException("plain http is allowed only for a loopback host "
                    + "(localhost or 127.0.0.0/8); use https");
        }
        int port = uri.getPort();
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("the port is out of range");
        }
        boolean defaultPort = port == -1 || port == ("https".equals(scheme) ? 443 : 80);
        String authority = defaultPort ? host : host + ":" + port;
        return new AwsVerifierConfig.StsEndpoint(URI.create(scheme + "://" + authority + "/"),
                authority);
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.isOpaque()) {
                throw new IllegalArgumentException("not an absolute URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL");
        }
    }

    private static String scheme(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException("the scheme must be https");
        }
        return scheme;
    }

    private static String host(URI uri) {
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(NOT_A_HOST);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            throw new IllegalArgumentException("an IPv6 literal can not be a signed STS host; "
                    + "use a host name or an IPv4 address");
        }
        if (!HOST.matcher(host).matches()
                || IPV4.matcher(host).matches() && !validIpv4(host)) {
            throw new IllegalArgumentException(NOT_A_HOST);
        }
        return host;
    }

    private static void checkNothingElse(URI uri) {
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("user info is not allowed");
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !"/".equals(path)) {
            throw new IllegalArgumentException("a path is not allowed; STS answers at /");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a query or fragment is not allowed");
        }
    }

    private static boolean isLoopback(String host) {
        return "localhost".equals(host) || LOOPBACK_V4.matcher(host).matches();
    }

    private static boolean validIpv4(String host) {
        for (String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
