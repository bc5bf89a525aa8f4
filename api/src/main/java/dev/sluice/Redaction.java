package dev.sluice;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Sluice shows a queue's URI wherever people and other systems read it (log lines, error messages, thread
 * names, the queue in a dead-letter reason): as written, except that the password of its user-info and the
 * value of a query parameter named like a secret ({@code password}, {@code secret}, {@code token}, {@code key},
 * ...) read {@code ***}. The URI the driver connects with keeps them.
 */
public final class Redaction {
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "([?&])([^=&]*(?:password|passwd|pwd|secret|token|key|credential)[^=&]*)=([^&]*)", Pattern.CASE_INSENSITIVE);

    private Redaction() {
    }

    /** {@code uri} as Sluice shows it. */
    public static String uri(URI uri) {
        String s = uri.toString();
        String userInfo = uri.getRawUserInfo();
        String authority = uri.getRawAuthority();
        if (userInfo == null && authority != null && authority.contains("@")) {
            userInfo = authority.substring(0, authority.lastIndexOf('@')); // a registry-based authority (k1,k2)
        }
        if (userInfo != null && userInfo.contains(":")) {
            String user = userInfo.substring(0, userInfo.indexOf(':'));
            s = s.replaceFirst(Pattern.quote(userInfo + "@"), Matcher.quoteReplacement(user + ":***@"));
        }
        String query = uri.getRawQuery();
        if (query != null && SECRET_PARAMETER.matcher("?" + query).find()) {
            StringBuilder out = new StringBuilder();
            Matcher m = SECRET_PARAMETER.matcher(s);
            while (m.find()) {
                boolean named = !m.group(2).toLowerCase(Locale.ROOT).endsWith("env"); // passwordEnv names a variable
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + (named ? "***" : m.group(3))));
            }
            m.appendTail(out);
            s = out.toString();
        }
        return s;
    }
}
