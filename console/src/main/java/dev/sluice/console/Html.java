package dev.sluice.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Escaping and the page frame every page shares (served stylesheet, skip link, header, navigation). */
final class Html {
    /** The stylesheet at {@code /console.css}: responsive, no fonts or images from elsewhere. */
    static final String CSS = """
            :root { --fg:#1d2430; --muted:#5b6475; --line:#d7dbe3; --bg:#f6f7f9; --accent:#0b5cad; --bad:#a4262c; --ok:#1e7b34; }
            * { box-sizing: border-box; }
            body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
            a { color:var(--accent); }
            .skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px; }
            header { background:#14213d; color:#fff; padding:10px 16px; display:flex; flex-wrap:wrap; gap:12px; align-items:center; justify-content:space-between; }
            header a { color:#fff; font-weight:600; text-decoration:none; }
            header .who { font-size:13px; opacity:.9; display:flex; gap:8px; align-items:center; }
            main { padding:16px; max-width:1200px; margin:0 auto; }
            h1 { font-size:22px; margin:4px 0 12px; } h2 { font-size:18px; margin:20px 0 8px; }
            .table-wrap { overflow-x:auto; background:#fff; border:1px solid var(--line); border-radius:6px; }
            table { border-collapse:collapse; width:100%; }
            th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
            th { background:#eef0f4; font-weight:600; white-space:nowrap; }
            td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
            .spark-cell { display:inline-flex; align-items:center; gap:6px; }
            .spark { color:var(--accent); flex:none; }
            .spark-base { stroke:#b8bfcc; stroke-width:1; }
            .spark-line { fill:none; stroke:currentColor; stroke-width:1.5; stroke-linejoin:round; stroke-linecap:round; }
            .spark-dot { fill:currentColor; }
            .spark-range { font-size:12px; color:var(--muted); white-space:nowrap; font-variant-numeric:tabular-nums; }
            td.error code { font-size:13px; }
            td time { white-space:nowrap; }
            dl.spec { display:grid; grid-template-columns:max-content 1fr; gap:6px 16px; background:#fff; padding:12px; border:1px solid var(--line); border-radius:6px; }
            dl.spec dt { font-weight:600; } dl.spec dd { margin:0; word-break:break-all; }
            form.inline { display:inline; }
            .filters { display:flex; flex-wrap:wrap; gap:10px; align-items:flex-end; margin-bottom:10px; }
            label { display:flex; flex-direction:column; font-size:13px; color:var(--muted); gap:2px; }
            input[type=text], input[type=password] { font:inherit; padding:6px 8px; border:1px solid #98a1b3; border-radius:4px; min-width:12em; }
            button { font:inherit; padding:6px 12px; border-radius:4px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; }
            button.secondary { background:#fff; color:var(--accent); }
            button.danger { background:var(--bad); border-color:var(--bad); }
            button:focus-visible, a:focus-visible, input:focus-visible { outline:3px solid #f2b01e; outline-offset:2px; }
            .actions { display:flex; flex-wrap:wrap; gap:8px; margin:10px 0; }
            .note { color:var(--muted); font-size:13px; }
            .notice { background:#fff; border-left:4px solid var(--ok); padding:8px 12px; margin:10px 0; }
            .error { background:#fff; border-left:4px solid var(--bad); padding:8px 12px; margin:10px 0; }
            pre { background:#fff; border:1px solid var(--line); padding:10px; overflow-x:auto; white-space:pre-wrap; word-break:break-all; }
            .pager { display:flex; gap:14px; margin:10px 0; }
            .count { font-size:28px; font-weight:700; }
            @media (max-width: 640px) {
              main { padding:10px; } th, td { padding:6px; font-size:14px; }
              .hide-narrow { display:none; }
              input[type=text], input[type=password] { min-width:0; width:100%; }
              .filters label { width:100%; }
            }
            """;

    private Html() {
    }

    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String url(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    /** A whole page; {@code who} is null on the login page. */
    static String page(String title, Principal who, String csrf, String body) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(escape(title)).append(" · Sluice console</title>")
                .append("<link rel=\"stylesheet\" href=\"/console.css\"></head><body>")
                .append("<a class=\"skip\" href=\"#main\">Skip to content</a><header><a href=\"/\">Sluice console</a>");
        if (who != null) {
            b.append("<div class=\"who\"><span>Signed in as <strong>").append(escape(who.name())).append("</strong> (")
                    .append(who.role().label()).append(")</span>")
                    .append("<form class=\"inline\" method=\"post\" action=\"/logout\">").append(csrfField(csrf))
                    .append("<button type=\"submit\" class=\"secondary\">Log out</button></form></div>");
        }
        b.append("</header><main id=\"main\">").append(body).append("</main></body></html>");
        return b.toString();
    }

    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">";
    }
}
