package dev.sluice.console;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.QueueStats;
import dev.sluice.Redaction;
import dev.sluice.RetryPolicy;
import dev.sluice.core.DeadLetters;
import dev.sluice.crypto.PayloadEncryption;
import io.cloudevents.CloudEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.TreeMap;

/** The console's pages as HTML strings: what each page shows, nothing of how requests are checked. */
final class Pages {
    /** The most payload bytes a data page shows. */
    static final int MAX_SHOWN_BYTES = 64 * 1024;
    private static final DateTimeFormatter SECONDS_UTC = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Pages() {
    }

    static String login(String loginCsrf, String error, boolean oidc) {
        String body = "<h1>Log in</h1>"
                + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + Html.escape(error) + "</p>")
                + "<form method=\"post\" action=\"/login\">" + "<input type=\"hidden\" name=\"login_csrf\" value=\""
                + Html.escape(loginCsrf) + "\">"
                + "<div class=\"filters\"><label for=\"token\">" + (oidc ? "ID token" : "Access token")
                + "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required></label>"
                + "<button type=\"submit\" id=\"login\">Log in</button></div></form>"
                + "<p class=\"note\">" + (oidc ? "Paste an ID token from your identity provider, or reach the console through a proxy"
                + " that sends it as <code>Authorization: Bearer</code>." : "A viewer or operator token from the console's"
                + " configuration (<code>SLUICE_CONSOLE_VIEWER_TOKEN</code>, <code>SLUICE_CONSOLE_OPERATOR_TOKEN</code>).") + "</p>";
        return Html.page("Log in", null, null, body);
    }

    /**
     * The overview row of one queue: its stats now, or the error class of the failed read; its samples; whether
     * handled and failed totals are sampled (then the row has rates).
     */
    record Row(ConsoleQueue queue, Optional<QueueStats> stats, ErrorCode error, List<DepthSampler.Sample> samples,
               boolean rates) {
    }

    static String overview(Principal who, String csrf, List<Row> rows, Duration interval, Instant now) {
        boolean rates = rows.stream().anyMatch(Row::rates);
        int columns = rates ? 9 : 7;
        StringBuilder b = new StringBuilder("<h1>Queues</h1><div class=\"table-wrap\"><table><caption class=\"skip\">Queues"
                + " and their dead-letter queues</caption><thead><tr><th scope=\"col\">Queue</th>"
                + "<th scope=\"col\" class=\"num\">Waiting</th><th scope=\"col\" class=\"num\">In flight</th>"
                + "<th scope=\"col\" class=\"num hide-narrow\">Delayed</th><th scope=\"col\" class=\"hide-narrow\">Oldest</th>"
                + (rates ? "<th scope=\"col\" class=\"num hide-narrow\">Handled/min</th>"
                        + "<th scope=\"col\" class=\"num hide-narrow\">Failed/min</th>" : "")
                + "<th scope=\"col\" class=\"hide-narrow\">Depth trend</th><th scope=\"col\" class=\"num\">Dead letters</th>"
                + "<th scope=\"col\" class=\"hide-narrow\">DLQ trend</th></tr></thead><tbody>");
        for (Row r : rows) {
            String name = r.queue().name();
            b.append("<tr data-queue=\"").append(Html.escape(name)).append("\"><th scope=\"row\"><a href=\"/queues/")
                    .append(Html.url(name)).append("\">").append(Html.escape(name)).append("</a></th>");
            if (r.stats().isEmpty()) {
                b.append("<td colspan=\"").append(columns).append("\" class=\"error\">cannot read the queue: broker unreachable (see"
                        + " the console's log); error code <code>").append(r.error()).append("</code></td></tr>");
                continue;
            }
            QueueDepth q = r.stats().get().queue();
            QueueDepth d = r.stats().get().deadLetterQueue();
            List<DepthSampler.Sample> samples = r.samples();
            Duration span = samples.size() < 2 ? Duration.ZERO
                    : Duration.between(samples.get(0).at(), samples.get(samples.size() - 1).at());
            List<Long> depth = samples.stream().map(DepthSampler.Sample::depth).toList();
            List<Long> dead = samples.stream().map(DepthSampler.Sample::deadLetters).toList();
            long deadNow = DepthSampler.count(d);
            b.append("<td class=\"num\">").append(n(q.visible().isPresent() ? q.visible().getAsLong() : -1)).append("</td>")
                    .append("<td class=\"num\">").append(n(q.inFlight().isPresent() ? q.inFlight().getAsLong() : -1)).append("</td>")
                    .append("<td class=\"num hide-narrow\">").append(n(q.delayed().isPresent() ? q.delayed().getAsLong() : -1)).append("</td>")
                    .append("<td class=\"hide-narrow oldest\">").append(q.oldestAge().map(a -> ago(a, now)).orElse("—")).append("</td>");
            if (rates) {
                Optional<DepthSampler.Rates> rate = r.rates() ? DepthSampler.rates(samples) : Optional.empty();
                b.append("<td class=\"num hide-narrow rate-handled\">").append(rate.map(x -> perMinute(x.handled())).orElse("—"))
                        .append("</td><td class=\"num hide-narrow rate-failed\">").append(rate.map(x -> perMinute(x.failed())).orElse("—"))
                        .append("</td>");
            }
            b.append("<td class=\"hide-narrow\">").append(Sparkline.svg(depth, span, name + " depth")).append("</td>")
                    .append("<td class=\"num\"><a class=\"dlq-count\" href=\"/queues/").append(Html.url(name))
                    .append("/dead-letters\" aria-label=\"").append(Html.escape(name)).append(" dead letters\">")
                    .append(n(deadNow)).append("</a></td>")
                    .append("<td class=\"hide-narrow\">").append(Sparkline.svg(dead, span, name + " dead letters"))
                    .append("</td></tr>");
            String note = (q.note() + " " + d.note()).trim();
            if (!note.isEmpty()) {
                b.append("<tr><td></td><td colspan=\"").append(columns).append("\" class=\"note\">").append(Html.escape(note))
                        .append("</td></tr>");
            }
        }
        b.append("</tbody></table></div><p class=\"note\">Counts as the broker reports them now; the charts are sampled by"
                + " this console every ").append(interval.toSeconds()).append(" s since it started (at most the last hour).")
                .append(rates ? " Handled and failed per minute: over the last sampling interval, from the metrics"
                        + " (failed: retried or dead-lettered)." : "").append("</p>");
        return Html.page("Queues", who, csrf, b.toString());
    }

    static String queue(Principal who, String csrf, ConsoleQueue q, URI dlq) {
        QueueSpec s = q.spec();
        RetryPolicy r = s.retryPolicy();
        String body = "<h1>Queue " + Html.escape(q.name()) + "</h1><dl class=\"spec\">"
                + dt("URI", Redaction.uri(s.uri()))
                + dt("Dead-letter queue", Redaction.uri(dlq))
                + dt("Max delivery attempts", String.valueOf(s.maxDeliveryAttempts()))
                + dt("Retry policy", "first delay " + r.initialDelay() + ", ×" + r.multiplier() + ", at most " + r.maxDelay()
                        + ", jitter " + r.jitter())
                + dt("Lease", s.lease().toString())
                + dt("Handler timeout", s.handlerTimeout().toString())
                + dt("Concurrency", String.valueOf(s.concurrency()))
                + dt("Ordering", s.ordering() ? "per ordering key" : "none")
                + dt("Deduplication", s.deduplication() ? "yes" : "no")
                + "</dl><p><a href=\"/queues/" + Html.url(q.name()) + "/dead-letters\">Dead letters of " + Html.escape(q.name())
                + "</a></p>";
        return Html.page("Queue " + q.name(), who, csrf, body);
    }

    static String deadLetters(Principal who, String csrf, ConsoleQueue q, DeadLetterBrowser.Filter f,
                              DeadLetterBrowser.Page page, String notice) {
        String base = "/queues/" + Html.url(q.name()) + "/dead-letters";
        StringBuilder b = new StringBuilder("<h1>Dead letters of " + Html.escape(q.name()) + "</h1>");
        if (notice != null) b.append("<p class=\"notice\" role=\"status\">").append(Html.escape(notice)).append("</p>");
        b.append("<form method=\"get\" action=\"").append(base).append("\" class=\"filters\" role=\"search\">")
                .append("<label for=\"f-type\">Type (exact)<input type=\"text\" id=\"f-type\" name=\"type\" value=\"")
                .append(Html.escape(f.type())).append("\"></label>")
                .append("<label for=\"f-reason\">Reason contains<input type=\"text\" id=\"f-reason\" name=\"reason\" value=\"")
                .append(Html.escape(f.reason())).append("\"></label>")
                .append("<button type=\"submit\" id=\"filter\">Filter</button></form>");
        b.append("<form method=\"post\" action=\"").append(base).append("/redrive\" id=\"selection\">").append(Html.csrfField(csrf))
                .append("<div class=\"table-wrap\"><table><caption class=\"skip\">Dead letters, page ").append(page.number() + 1)
                .append("</caption><thead><tr>")
                .append(who.role().operates() ? "<th scope=\"col\"><span class=\"skip\">Select</span></th>" : "")
                .append("<th scope=\"col\">Type</th><th scope=\"col\">Id</th><th scope=\"col\" class=\"num\">Attempts</th>")
                .append("<th scope=\"col\">Reason</th><th scope=\"col\" class=\"hide-narrow\">First failure</th>")
                .append("<th scope=\"col\" class=\"hide-narrow\">Last failure</th></tr></thead><tbody>");
        if (page.items().isEmpty()) {
            b.append("<tr><td colspan=\"7\">No dead letters").append(f.isEmpty() ? "" : " match this filter").append(".</td></tr>");
        }
        for (DeadLetter d : page.items()) {
            Optional<DeadLetterReason> r = d.reason();
            String id = d.messageId();
            b.append("<tr class=\"dead-letter\">");
            if (who.role().operates()) {
                b.append("<td><input type=\"checkbox\" name=\"id\" value=\"").append(Html.escape(id)).append("\" id=\"sel-")
                        .append(Html.escape(id)).append("\" aria-label=\"select ").append(Html.escape(id)).append("\"></td>");
            }
            b.append("<td>").append(d.event() == null ? "<em>undecodable</em>" : Html.escape(d.event().getType())).append("</td>")
                    .append("<td><a href=\"").append(base).append("/message?id=").append(Html.url(id)).append("\">")
                    .append(Html.escape(shortId(id))).append("</a></td>")
                    .append("<td class=\"num\">").append(r.map(DeadLetterReason::attempts).map(String::valueOf).orElse("—")).append("</td>")
                    .append("<td>").append(Html.escape(reason(d))).append("</td>")
                    .append("<td class=\"hide-narrow\">").append(r.map(x -> time(x.firstFailure())).orElse("—")).append("</td>")
                    .append("<td class=\"hide-narrow\">").append(r.map(x -> time(x.lastFailure())).orElse("—")).append("</td></tr>");
        }
        b.append("</tbody></table></div>");
        if (who.role().operates()) {
            b.append("<input type=\"hidden\" name=\"type\" value=\"").append(Html.escape(f.type())).append("\">")
                    .append("<input type=\"hidden\" name=\"reason\" value=\"").append(Html.escape(f.reason())).append("\">")
                    .append("<div class=\"actions\"><button type=\"submit\" name=\"scope\" value=\"selected\" id=\"redrive-selected\">")
                    .append("Redrive selected</button><button type=\"submit\" name=\"scope\" value=\"matching\" id=\"redrive-matching\"")
                    .append(" class=\"secondary\">Redrive all ").append(f.isEmpty() ? "" : "matching").append("</button>")
                    .append("<button type=\"submit\" formaction=\"").append(base).append("/purge\" name=\"scope\" value=\"matching\"")
                    .append(" class=\"danger\" id=\"purge\">Purge ").append(f.isEmpty() ? "all" : "matching").append("…</button></div>");
        } else {
            b.append("<p class=\"note\">Viewers see reasons and attributes; operators redrive, purge and show payloads.</p>");
        }
        b.append("</form><nav class=\"pager\" aria-label=\"pages\">");
        if (page.number() > 0) {
            b.append("<a rel=\"prev\" href=\"").append(base).append("?").append(f.query().replace("&", "&amp;")).append("&amp;page=")
                    .append(page.number() - 1).append("\">Previous page</a>");
        }
        b.append("<span>Page ").append(page.number() + 1).append("</span>");
        if (page.hasNext()) {
            b.append("<a rel=\"next\" id=\"next-page\" href=\"").append(base).append("?").append(f.query().replace("&", "&amp;"))
                    .append("&amp;page=").append(page.number() + 1).append("\">Next page</a>");
        }
        b.append("</nav>");
        return Html.page("Dead letters of " + q.name(), who, csrf, b.toString());
    }

    static String message(Principal who, String csrf, ConsoleQueue q, DeadLetter d, String shownData) {
        String base = "/queues/" + Html.url(q.name()) + "/dead-letters";
        StringBuilder b = new StringBuilder("<h1>Dead letter " + Html.escape(shortId(d.messageId())) + "</h1><dl class=\"spec\">");
        b.append(dt("Message id", d.messageId()));
        CloudEvent e = d.event();
        if (e != null) {
            b.append(dt("Type", e.getType())).append(dt("Source", e.getSource().toString())).append(dt("Event id", e.getId()));
            if (e.getSubject() != null) b.append(dt("Subject", e.getSubject()));
            if (e.getTime() != null) b.append(dtHtml("Time", time(e.getTime().toInstant())));
            if (e.getDataContentType() != null) b.append(dt("Data content type", e.getDataContentType()));
            if (PayloadEncryption.isEncrypted(e)) {
                b.append(dtHtml("Encryption", "<span id=\"encrypted\">encrypted (key id " + Html.escape(DeadLetterBrowser.keyId(e))
                        + ")</span>"));
            }
        } else {
            b.append(dt("Decode error", d.decodeError()));
        }
        d.reason().ifPresentOrElse(r -> b.append(dt("Reason", r.summary()))
                        .append(dtHtml("First failure", time(r.firstFailure()))).append(dtHtml("Last failure", time(r.lastFailure())))
                        .append(dt("Source queue", r.sourceQueue())),
                () -> b.append(dt("Reason", "none recorded (moved by the broker's own redrive policy)")));
        b.append("</dl><h2>Attributes</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Name</th>")
                .append("<th scope=\"col\">Value</th></tr></thead><tbody>");
        new TreeMap<>(d.attributes()).forEach((k, v) -> b.append("<tr><th scope=\"row\">").append(Html.escape(k))
                .append("</th><td>").append(Html.escape(v)).append("</td></tr>"));
        b.append("</tbody></table></div><h2>Data</h2>");
        if (shownData != null) {
            b.append(shownData);
        } else if (who.role().operates()) {
            b.append("<p>Redacted. Showing it is written to the audit log.</p><form method=\"post\" action=\"").append(base)
                    .append("/message/data\">").append(Html.csrfField(csrf)).append("<input type=\"hidden\" name=\"id\" value=\"")
                    .append(Html.escape(d.messageId())).append("\"><button type=\"submit\" id=\"show-data\">Show data</button></form>");
        } else {
            b.append("<p id=\"data-redacted\">Redacted: only operators may show a payload.</p>");
        }
        if (who.role().operates()) {
            b.append("<form method=\"post\" action=\"").append(base).append("/redrive\" class=\"actions\">").append(Html.csrfField(csrf))
                    .append("<input type=\"hidden\" name=\"id\" value=\"").append(Html.escape(d.messageId())).append("\">")
                    .append("<button type=\"submit\" name=\"scope\" value=\"selected\" id=\"redrive-one\">Redrive this one</button></form>");
        }
        b.append("<p><a href=\"").append(base).append("\">Back to the dead letters</a></p>");
        return Html.page("Dead letter", who, csrf, b.toString());
    }

    /**
     * The data shown as HTML: text when it is UTF-8, else hex; the raw body with the reason when undecodable; for an
     * encrypted event, the decrypted data saying so, or the envelope with why it was not decrypted.
     */
    static String data(DeadLetterBrowser.Shown shown) {
        DeadLetter d = shown.letter();
        if (shown.event() != null) {
            byte[] bytes = shown.event().getData() == null ? new byte[0] : shown.event().getData().toBytes();
            String note = !shown.encrypted() ? ""
                    : shown.decrypted() ? "<p class=\"notice\" id=\"decrypted\">Decrypted by this console with key "
                            + Html.escape(shown.keyId()) + (shown.event().getDataContentType() == null ? ""
                            : "; data content type " + Html.escape(shown.event().getDataContentType()))
                            + ". The dead letter keeps the ciphertext.</p>"
                    : "<p class=\"error\" id=\"not-decrypted\">Encrypted (key id " + Html.escape(shown.keyId())
                            + "), not decrypted: " + Html.escape(shown.problem()) + ". The ciphertext envelope:</p>";
            return note + "<pre id=\"data\">" + Html.escape(bytesAsText(bytes)) + "</pre>";
        }
        byte[] body = d.body() == null ? new byte[0] : d.body();
        return "<p>The message is not a valid CloudEvent (" + Html.escape(d.decodeError()) + "); its raw body, "
                + body.length + " bytes:</p><pre id=\"data\">" + Html.escape(escaped(body)) + "</pre><h2>Hex</h2><pre>"
                + HexFormat.ofDelimiter(" ").formatHex(body, 0, Math.min(body.length, MAX_SHOWN_BYTES)) + "</pre>";
    }

    static String redriveDone(Principal who, String csrf, ConsoleQueue q, String what, DeadLetters.RedriveResult r) {
        return Html.page("Redriven", who, csrf, "<h1>Redrive of " + Html.escape(q.name()) + "</h1><p class=\"notice\" role=\"status\""
                + " id=\"result\">" + r.moved() + " moved back to the queue (" + Html.escape(what) + "); " + r.kept()
                + " left in the dead-letter queue" + (r.notDeleted() > 0 ? "; " + r.notDeleted()
                + " sent back but not deleted from the DLQ (a later redrive sends them again)" : "") + ".</p><p><a href=\"/queues/"
                + Html.url(q.name()) + "/dead-letters\">Back to the dead letters</a> · <a href=\"/\">Queues</a></p>");
    }

    static String purgeConfirm(Principal who, String csrf, ConsoleQueue q, DeadLetterBrowser.Filter f) {
        String base = "/queues/" + Html.url(q.name()) + "/dead-letters";
        return Html.page("Purge", who, csrf, "<h1>Purge dead letters of " + Html.escape(q.name()) + "?</h1>"
                + "<p class=\"error\">This deletes " + (f.isEmpty() ? "every dead letter" : "every dead letter matching "
                + Html.escape(f.describe())) + " of " + Html.escape(q.name()) + " for good. It cannot be undone.</p>"
                + "<form method=\"post\" action=\"" + base + "/purge\" class=\"actions\">" + Html.csrfField(csrf)
                + "<input type=\"hidden\" name=\"type\" value=\"" + Html.escape(f.type()) + "\">"
                + "<input type=\"hidden\" name=\"reason\" value=\"" + Html.escape(f.reason()) + "\">"
                + "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"
                + "<button type=\"submit\" class=\"danger\" id=\"purge-confirm\">Yes, purge</button></form>"
                + "<p><a href=\"" + base + "?" + f.query().replace("&", "&amp;") + "\">Cancel</a></p>");
    }

    static String purgeDone(Principal who, String csrf, ConsoleQueue q, long purged) {
        return Html.page("Purged", who, csrf, "<h1>Purge of " + Html.escape(q.name()) + "</h1><p class=\"notice\" role=\"status\""
                + " id=\"result\">" + purged + " dead letters deleted.</p><p><a href=\"/queues/" + Html.url(q.name())
                + "/dead-letters\">Back to the dead letters</a></p>");
    }

    static String problem(Principal who, String csrf, String title, String message) {
        return Html.page(title, who, csrf, "<h1>" + Html.escape(title) + "</h1><p class=\"error\" role=\"alert\">"
                + Html.escape(message) + "</p><p><a href=\"/\">Queues</a></p>");
    }

    private static String dt(String term, String value) {
        return dtHtml(term, Html.escape(value));
    }

    private static String dtHtml(String term, String html) {
        return "<dt>" + Html.escape(term) + "</dt><dd>" + html + "</dd>";
    }

    private static String n(long v) {
        return v < 0 ? "—" : String.valueOf(v);
    }

    static String reason(DeadLetter d) {
        if (d.reason().isPresent()) return d.reason().get().summary();
        return d.decodeError() != null ? "undecodable: " + d.decodeError() : "(no reason recorded)";
    }

    private static String shortId(String id) {
        return id.length() > 24 ? id.substring(0, 24) + "…" : id;
    }

    /** {@code <time>} showing {@code t} to the second in UTC ("2026-11-28 20:24:31Z"), the full instant in its attribute. */
    static String time(Instant t) {
        if (t == null) return "—";
        return "<time datetime=\"" + t + "\">" + SECONDS_UTC.format(t) + "</time>";
    }

    /** "3 min ago": the time {@code age} before {@code now}, the instant in the {@code <time>} attribute and title. */
    static String ago(Duration age, Instant now) {
        Instant then = now.minus(age).truncatedTo(ChronoUnit.SECONDS);
        return "<time datetime=\"" + then + "\" title=\"" + SECONDS_UTC.format(then) + "\">" + duration(age) + " ago</time>";
    }

    /** A duration to the unit that matters: "45 s", "12 min", "3 h". */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) return s + " s";
        if (s < 7200) return (s / 60) + " min";
        return (s / 3600) + " h";
    }

    /** "12/min", "0.5/min": one decimal under ten. */
    static String perMinute(double rate) {
        if (rate >= 10) return Math.round(rate) + "/min";
        return String.format(Locale.ROOT, "%.1f/min", rate);
    }

    /** UTF-8 text as is, else every byte as hex. At most {@link #MAX_SHOWN_BYTES}. */
    static String bytesAsText(byte[] bytes) {
        int n = Math.min(bytes.length, MAX_SHOWN_BYTES);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
            return text + (n < bytes.length ? "\n… (" + (bytes.length - n) + " more bytes)" : "");
        } catch (CharacterCodingException e) {
            return "(not UTF-8 text; hex) " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, n);
        }
    }

    /** Printable ASCII as is, everything else as {@code \xNN}. */
    static String escaped(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(bytes.length, MAX_SHOWN_BYTES);
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') b.append((char) c);
            else b.append(String.format("\\x%02x", c));
        }
        return b.toString();
    }
}
