package io.clusterimage.registry;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The HTTP proxy a registry host is reached through, as Maven's settings.xml describes one. */
public final class HttpProxy {

    private HttpProxy() {
    }

    /**
     * The proxy at {@code host:port} for every registry host but those matching {@code nonProxyHosts}
     * ({@code |}- or comma-separated patterns, {@code *} any text), which are reached directly.
     */
    public static Function<String, Proxy> selector(String host, int port, String nonProxyHosts) {
        Proxy proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress(host, port));
        String nonProxy = nonProxyHosts == null ? "" : nonProxyHosts;
        List<String> patterns = Arrays.stream(nonProxy.split("[|,]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return target -> {
            for (String pattern : patterns) {
                String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q");
                if (target.matches(regex)) {
                    return Proxy.NO_PROXY;
                }
            }
            return proxy;
        };
    }
}
