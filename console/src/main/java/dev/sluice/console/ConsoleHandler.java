package dev.sluice.console;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterFilter;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and checks every request: who asks (a bearer token or a session cookie; nobody is let in without one unless
 * authentication is explicitly off), the CSRF token of every POST, the operator role of every payload shown and every
 * change, and one audit line per change. Pages come from {@link Pages}.
 */
final class ConsoleHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(ConsoleHandler.class);
    private static final String LOGIN_COOKIE = "sluice_login";
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final int MAX_IDS = 1000;

    private final Sluice sluice;
    private final Map<String, ConsoleQueue> queues = new LinkedHashMap<>();
    private final Authenticator authenticator;
    private final boolean noAuth;
    private final boolean oidc;
    private final Sessions sessions;
    private final Audit audit = new Audit();
    private final DepthSampler sampler;
    private final DeadLetterBrowser browser;
    private final Duration interval;
    private final LoginThrottle throttle;
    private final Clock clock;

    ConsoleHandler(Sluice sluice, List<ConsoleQueue> queues, Authenticator authenticator, boolean noAuth, boolean oidc,
                   Sessions sessions, DepthSampler sampler, Duration interval, LoginThrottle throttle, Clock clock) {
        super(InvocationType.BLOCKING);
        this.sluice = sluice;
        queues.forEach(q -> this.queues.put(q.name(), q));
        this.authenticator = authenticator;
        this.noAuth = noAuth;
        this.oidc = oidc;
        this.sessions = sessions;
        this.sampler = sampler;
        this.browser = new DeadLetterBrowser(sluice);
        this.interval = interval;
        this.throttle = throttle;
        this.clock = clock;
    }

    /** An answer that ends the request: a status and a page. */
    private static final class Answer extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String html;

        Answer(int status, String html) {
            super(null, null, false, false);
            this.status = status;
            this.html = html;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Frame-Options", "DENY");
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            if (path.equals("/console.css") && method.equals("GET")) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/css; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=3600");
                Content.Sink.write(response, true, Html.CSS, callback);
                return true;
            }
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if (path.equals("/login")) {
                login(request, response, callback, method);
                return true;
            }
            Principal who = principal(request, response);
            if (who == null) throw new Answer(401, loginPage(request, response, null));
            String csrf = sessions.csrf(who.credentialId());
            Fields params = Request.getParameters(request);
            if (method.equals("POST")) {
                if (!sessions.csrfValid(who.credentialId(), params.getValue("csrf"))) {
                    log.info("console: a POST to {} by {} without a valid CSRF token was refused", path, who.name());
                    throw new Answer(403, Pages.problem(who, csrf, "Forbidden", "This form has expired or did not come from"
                            + " this console (no valid CSRF token). Reload the page and try again."));
                }
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                throw new Answer(405, Pages.problem(who, csrf, "Method not allowed", method + " is not answered here"));
            }
            if (path.equals("/logout") && method.equals("POST")) {
                cookie(request).ifPresent(sessions::close);
                Response.addCookie(response, HttpCookie.build(Sessions.COOKIE, "").path("/").maxAge(0).httpOnly(true)
                        .sameSite(HttpCookie.SameSite.STRICT).build());
                Response.sendRedirect(request, response, callback, 303, "/login", true);
                return true;
            }
            write(response, callback, 200, route(method, path, who, csrf, params));
        } catch (Answer a) {
            write(response, callback, a.status, a.html);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            write(response, callback, 503, Pages.problem(null, null, "Interrupted", "the console is stopping"));
        } catch (Exception e) {
            log.warn("console: {} {} failed", method, path, e);
            write(response, callback, 500, Pages.problem(null, null, "Error", "the request failed: " + e.getClass().getSimpleName()
                    + " (details in the console's log)"));
        }
        return true;
    }

    private String route(String method, String path, Principal who, String csrf, Fields params) throws Exception {
        boolean post = method.equals("POST");
        if (path.equals("/") && !post) return overview(who, csrf);
        String[] parts = path.split("/", -1);   // "", "queues", name, ...
        if (parts.length < 3 || !parts[1].equals("queues")) throw notFound(who, csrf);
        ConsoleQueue q = queues.get(parts[2]);
        if (q == null) throw new Answer(404, Pages.problem(who, csrf, "Unknown queue", "no queue named '" + parts[2]
                + "' is configured in this console; the queues are " + queues.keySet()));
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, 3, parts.length));
        switch (rest) {
            case "":
                if (post) break;
                return Pages.queue(who, csrf, q, browser.of(q).uri());
            case "dead-letters":
                if (post) break;
                return Pages.deadLetters(who, csrf, q, filter(params, who, csrf), browser.page(q, filter(params, who, csrf),
                        pageNumber(params, who, csrf)), null);
            case "dead-letters/message":
                if (post) break;
                return Pages.message(who, csrf, q, find(q, params.getValue("id"), who, csrf), null);
            case "dead-letters/message/data":
                if (!post) break;
                operatorOnly(who, csrf, "show a payload");
                DeadLetterBrowser.Shown shown = browser.show(find(q, params.getValue("id"), who, csrf));
                String id = "id=" + shown.letter().messageId();
                audit.record(who, "show-data", q.name(), 1, !shown.encrypted() ? id
                        : id + (shown.decrypted() ? " decrypted" : " ciphertext") + " key=" + shown.keyId());
                return Pages.message(who, csrf, q, shown.letter(), Pages.data(shown));
            case "dead-letters/redrive":
                if (!post) break;
                return redrive(who, csrf, q, params);
            case "dead-letters/purge":
                if (!post) break;
                return purge(who, csrf, q, params);
            default:
                break;
        }
        throw notFound(who, csrf);
    }

    private String overview(Principal who, String csrf) {
        List<Pages.Row> rows = new ArrayList<>();
        for (ConsoleQueue q : queues.values()) {
            DepthSampler.Reading now = sampler.read(q);
            rows.add(new Pages.Row(q, now.stats(), now.error(), sampler.samples(q.name()), sampler.countsOutcomes()));
        }
        return Pages.overview(who, csrf, rows, interval, clock.instant());
    }

    private String redrive(Principal who, String csrf, ConsoleQueue q, Fields params) throws Exception {
        operatorOnly(who, csrf, "redrive");
        DeadLetters.RedriveResult r;
        String what;
        if ("matching".equals(params.getValue("scope"))) {
            DeadLetterBrowser.Filter f = filter(params, who, csrf);
            r = browser.redrive(q, f.toApi());
            what = f.describe();
            audit.record(who, "redrive", q.name(), r.moved(), "filter=\"" + what + "\" kept=" + r.kept());
        } else {
            List<String> ids = params.getValues("id");
            if (ids == null || ids.isEmpty()) {
                throw new Answer(400, Pages.problem(who, csrf, "Nothing selected", "select dead letters to redrive, or redrive all matching"));
            }
            if (ids.size() > MAX_IDS) {
                throw new Answer(400, Pages.problem(who, csrf, "Too many", "at most " + MAX_IDS + " ids at once, got " + ids.size()));
            }
            Set<String> chosen = new HashSet<>(ids);
            r = browser.redrive(q, DeadLetterFilter.all().withMessageIds(chosen));
            what = chosen.size() == 1 ? "1 selected" : chosen.size() + " selected";
            audit.record(who, "redrive", q.name(), r.moved(), "selected=" + chosen.size() + " ids=" + String.join(",", chosen));
        }
        return Pages.redriveDone(who, csrf, q, what, r);
    }

    private String purge(Principal who, String csrf, ConsoleQueue q, Fields params) throws Exception {
        operatorOnly(who, csrf, "purge");
        DeadLetterBrowser.Filter f = filter(params, who, csrf);
        if (!"yes".equals(params.getValue("confirm"))) return Pages.purgeConfirm(who, csrf, q, f);
        long purged = browser.purge(q, f.toApi());
        audit.record(who, "purge", q.name(), purged, "filter=\"" + f.describe() + "\"");
        return Pages.purgeDone(who, csrf, q, purged);
    }

    private DeadLetter find(ConsoleQueue q, String id, Principal who, String csrf) throws Exception {
        if (id == null || id.isEmpty() || id.length() > 1024) {
            throw new Answer(400, Pages.problem(who, csrf, "Bad request", "the parameter id must be a message id (1 to 1024 characters)"));
        }
        return browser.find(q, id).orElseThrow(() -> new Answer(404, Pages.problem(who, csrf, "Not found",
                "no dead letter with this id in " + q.name() + " (redriven or purged since?)")));
    }

    private static DeadLetterBrowser.Filter filter(Fields params, Principal who, String csrf) throws Answer {
        try {
            return new DeadLetterBrowser.Filter(params.getValue("type"), params.getValue("reason"));
        } catch (IllegalArgumentException e) {
            throw new Answer(400, Pages.problem(who, csrf, "Bad request", "type and reason: " + e.getMessage()));
        }
    }

    private static int pageNumber(Fields params, Principal who, String csrf) throws Answer {
        String p = params.getValue("page");
        if (p == null || p.isEmpty()) return 0;
        try {
            int n = Integer.parseInt(p);
            if (n >= 0 && n <= 100_000) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new Answer(400, Pages.problem(who, csrf, "Bad request", "the parameter page must be a number from 0 to 100000"));
    }

    private static void operatorOnly(Principal who, String csrf, String what) throws Answer {
        if (!who.role().operates()) {
            throw new Answer(403, Pages.problem(who, csrf, "Forbidden", "only operators may " + what + "; you are signed in as a "
                    + who.role().label()));
        }
    }

    private static Answer notFound(Principal who, String csrf) {
        return new Answer(404, Pages.problem(who, csrf, "Not found", "there is no such page"));
    }

    /**
     * The bearer token's principal, else the session's, else null. A bad bearer token is not retried as a cookie, and
     * counts as a failed login of the remote address (429 once it has failed too often); a genuine identity without a
     * console role is a 403.
     */
    private Principal principal(Request request, Response response) throws Answer {
        if (noAuth) return authenticator.authenticate("").accepted().orElse(null);
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            String address = Request.getRemoteAddr(request);
            throttled(address, response);
            Authenticator.Verdict v = authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() <= 16 * 1024
                    ? authenticator.authenticate(authorization.substring(7).trim()) : new Authenticator.Verdict.Unknown();
            return accepted(v, address, null);
        }
        return cookie(request).flatMap(sessions::find).orElse(null);
    }

    /** The verdict's principal; null for an unknown token (counted against {@code address}); a 403 for no role. */
    private Principal accepted(Authenticator.Verdict v, String address, String loginCsrf) throws Answer {
        if (v instanceof Authenticator.Verdict.NoRole n) {
            String message = n.name() + " is signed in, but has none of this console's roles (the role comes from the ID"
                    + " token's claim, mapped in SLUICE_CONSOLE_OIDC_OPERATORS / SLUICE_CONSOLE_OIDC_VIEWERS): ask whoever"
                    + " runs the console to map one of your groups.";
            throw new Answer(403, loginCsrf == null ? Pages.problem(null, null, "Forbidden", message)
                    : Pages.login(loginCsrf, message, oidc));
        }
        if (v instanceof Authenticator.Verdict.Unknown) throttle.failed(address);
        return v.accepted().orElse(null);
    }

    /** A 429 with {@code Retry-After} when {@code address} has failed to log in too often lately. */
    private void throttled(String address, Response response) throws Answer {
        Duration wait = throttle.retryAfter(address);
        if (wait.isZero()) return;
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(seconds));
        log.info("console: refused a login from {}: {} failed within {}", address, LoginThrottle.MAX_FAILURES, LoginThrottle.WINDOW);
        throw new Answer(429, Pages.problem(null, null, "Too many failed logins", "Too many failed logins from your address:"
                + " try again in " + seconds + " s."));
    }

    private static Optional<String> cookie(Request request) {
        for (HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equals(Sessions.COOKIE)) return Optional.of(c.getValue());
        }
        return Optional.empty();
    }

    private void login(Request request, Response response, Callback callback, String method) throws Exception {
        if (noAuth) {
            Response.sendRedirect(request, response, callback, 303, "/", true);
            return;
        }
        if (method.equals("GET")) {
            write(response, callback, 200, loginPage(request, response, null));
            return;
        }
        if (!method.equals("POST")) {
            write(response, callback, 405, Pages.problem(null, null, "Method not allowed", method + " is not answered here"));
            return;
        }
        Fields params = Request.getParameters(request);
        String expected = loginCookie(request);
        String given = params.getValue("login_csrf");
        if (expected == null || given == null || !java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            write(response, callback, 403, loginPage(request, response, "The login form expired; try again."));
            return;
        }
        String address = Request.getRemoteAddr(request);
        Optional<Principal> who;
        try {
            throttled(address, response);
            String token = params.getValue("token");
            Authenticator.Verdict v = token == null || token.isEmpty() || token.length() > 16 * 1024
                    ? new Authenticator.Verdict.Unknown() : authenticator.authenticate(token.trim());
            who = Optional.ofNullable(accepted(v, address, expected));
        } catch (Answer a) {
            write(response, callback, a.status, a.html);
            return;
        }
        if (who.isEmpty()) {
            write(response, callback, 401, loginPage(request, response, "This token is not accepted."));
            return;
        }
        String id = sessions.open(who.get());
        Response.addCookie(response, HttpCookie.build(Sessions.COOKIE, id).path("/").httpOnly(true).secure(request.isSecure())
                .sameSite(HttpCookie.SameSite.STRICT).maxAge(Sessions.LIFETIME.toSeconds()).build());
        log.info("console: {} logged in as {}", who.get().name(), who.get().role().label());
        Response.sendRedirect(request, response, callback, 303, "/", true);
    }

    /**
     * The login page, with a double-submit token in a cookie and in the form: the browser's own when it has one (other
     * requests answered with this page, a favicon's, must not replace the token of a form already shown), else a new one.
     */
    private String loginPage(Request request, Response response, String error) {
        String token = loginCookie(request);
        if (token == null || token.length() != 43) {
            token = sessions.randomId();
            Response.addCookie(response, HttpCookie.build(LOGIN_COOKIE, token).path("/").httpOnly(true)
                    .sameSite(HttpCookie.SameSite.STRICT).build());
        }
        return Pages.login(token, error, oidc);
    }

    private static String loginCookie(Request request) {
        for (HttpCookie c : Request.getCookies(request)) if (c.getName().equals(LOGIN_COOKIE)) return c.getValue();
        return null;
    }

    private static void write(Response response, Callback callback, int status, String html) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        Content.Sink.write(response, true, html, callback);
    }
}
