package dev.sluice.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A plain HTTP client for the console, as a script would use it: bearer tokens, forms, no redirects followed. */
final class Http {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a form; values may repeat a name (a list of pairs, name then value). */
    HttpResponse<String> post(String path, String token, List<String> pairs) throws Exception {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < pairs.size(); i += 2) {
            if (form.length() > 0) form.append('&');
            form.append(enc(pairs.get(i))).append('=').append(enc(pairs.get(i + 1)));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String token, Map<String, String> fields) throws Exception {
        return post(path, token, fields.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                .collect(Collectors.toList()));
    }

    /** The CSRF token the page at {@code path} renders for {@code token}. */
    String csrf(String path, String token) throws Exception {
        Matcher m = CSRF.matcher(get(path, token).body());
        if (!m.find()) throw new AssertionError("no CSRF field on " + path);
        return m.group(1);
    }

    HttpResponse<String> getWithCookie(String path, String cookie) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postWithCookie(String path, String cookie, List<String> pairs) throws Exception {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < pairs.size(); i += 2) {
            if (form.length() > 0) form.append('&');
            form.append(enc(pairs.get(i))).append('=').append(enc(pairs.get(i + 1)));
        }
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    int getStatus(String path) throws Exception {
        return get(path, null).statusCode();
    }

    static int count(String html, String needle) {
        int n = 0;
        for (int i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + 1)) n++;
        return n;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
