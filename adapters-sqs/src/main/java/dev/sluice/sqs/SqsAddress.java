package dev.sluice.sqs;

import dev.sluice.ConfigurationException;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.UriParameters;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an {@code sqs://} URI points: the queue (by name, by owner account and name, or by full queue URL),
 * the region, the endpoint and the default message group. Parsing fails with a
 * {@link ConfigurationException} naming the part of the URI that is wrong.
 *
 * <ul>
 *   <li>{@code sqs://orders}, {@code sqs://orders.fifo}: a queue of the caller's account, looked up by name;</li>
 *   <li>{@code sqs://123456789012/orders}: a queue of another account (cross-account access);</li>
 *   <li>{@code sqs://?url=https://sqs.eu-west-1.amazonaws.com/123456789012/orders}: a full queue URL
 *       (URL-encoded or not); region and, for a non-AWS host, the endpoint come from it.</li>
 * </ul>
 * Parameters: {@code region}, {@code endpoint}, {@code group} (the FIFO message group of messages published
 * without an ordering key), {@code url}.
 *
 * @param uri          the URI as the user wrote it
 * @param name         the queue name ({@code .fifo} included)
 * @param queueUrl     the queue URL when the URI gave it, else null (looked up by name)
 * @param ownerAccount the owning account id when the URI gave one, else null
 * @param region       the region, or null to ask the SDK's default region chain
 * @param endpoint     the endpoint override, or null for AWS's
 * @param group        the default FIFO message group, or null
 */
record SqsAddress(URI uri, String name, String queueUrl, String ownerAccount, String region, URI endpoint,
                  String group) {
    private static final List<String> PARAMETERS = List.of("region", "endpoint", "group", "url");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,75}(\\.fifo)?");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern AWS_HOST =
            Pattern.compile("(?:sqs\\.)?([a-z]{2}(?:-[a-z]+)+-\\d{1,2})\\.(?:queue\\.)?amazonaws\\.com(?:\\.cn)?");
    static final String FIFO_SUFFIX = ".fifo";

    /** Whether the queue is a FIFO queue (its name ends in {@code .fifo}). */
    boolean fifo() {
        return name.endsWith(FIFO_SUFFIX);
    }

    /** The queue name without {@code .fifo}. */
    String baseName() {
        return fifo() ? name.substring(0, name.length() - FIFO_SUFFIX.length()) : name;
    }

    /** Region and endpoint, the key under which clients are shared. */
    SqsClients.Key clientKey() {
        return new SqsClients.Key(region, endpoint);
    }

    /** A human description for error messages. */
    String describe() {
        return (fifo() ? "SQS FIFO queue '" : "SQS standard queue '") + name + "' (" + where() + ")";
    }

    /** Region and endpoint, for error messages. */
    String where() {
        return "region " + (region == null ? "from the SDK's default chain" : region)
                + (endpoint == null ? "" : ", endpoint " + endpoint)
                + (ownerAccount == null ? "" : ", account " + ownerAccount);
    }

    /** {@code sqs://<name>-dlq[.fifo]} with the same parameters (region, endpoint). */
    URI defaultDeadLetterUri() {
        String dlqName = baseName() + "-dlq" + (fifo() ? FIFO_SUFFIX : "");
        if (dlqName.length() > 80) {
            throw new ConfigurationException("queue name '" + name + "' is too long for the default dead-letter queue"
                    + " name '" + dlqName + "' (SQS allows 80 characters); name one with QueueSpec.deadLetterQueue(...)");
        }
        Map<String, String> params = UriParameters.parse(uri, PARAMETERS);
        StringBuilder s = new StringBuilder("sqs://");
        if (queueUrl != null) {
            String base = queueUrl.substring(0, queueUrl.lastIndexOf('/') + 1);
            params.put("url", base + dlqName);
        } else {
            if (ownerAccount != null) s.append(ownerAccount).append('/');
            s.append(dlqName);
        }
        params.remove("group");
        String sep = "?";
        for (var e : params.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = "&";
        }
        return URI.create(s.toString());
    }

    /** Parses {@code uri}; the environment supplies {@code AWS_REGION} and {@code AWS_ENDPOINT_URL[_SQS]}. */
    static SqsAddress parse(URI uri, DriverContext context) {
        if (!"sqs".equals(uri.getScheme())) {
            throw new ConfigurationException("'" + uri + "' is not an sqs:// URI");
        }
        Map<String, String> params = UriParameters.parse(uri, PARAMETERS);
        String name;
        String account = null;
        String queueUrl = params.get("url");
        String urlRegion = null;
        URI urlEndpoint = null;
        if (queueUrl != null) {
            if (uri.getAuthority() != null) {
                throw new ConfigurationException("queue uri '" + uri + "' names a queue twice; write either"
                        + " sqs://<name> or sqs://?url=<queue url>");
            }
            URI u = parseUrl(uri, queueUrl);
            String path = u.getPath();
            name = path.substring(path.lastIndexOf('/') + 1);
            Matcher m = AWS_HOST.matcher(u.getHost());
            if (m.matches()) {
                urlRegion = m.group(1);
            } else {
                urlEndpoint = origin(u);
            }
        } else {
            String authority = uri.getAuthority();
            if (authority == null || authority.isEmpty()) {
                throw new ConfigurationException("queue uri '" + uri + "' names no queue; write sqs://<queue-name>,"
                        + " sqs://<account-id>/<queue-name> or sqs://?url=<queue url>");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (path.isEmpty() || "/".equals(path)) {
                name = authority;
            } else {
                if (!ACCOUNT.matcher(authority).matches()) {
                    throw new ConfigurationException("queue uri '" + uri + "': '" + authority + "' is not a 12-digit"
                            + " AWS account id; write sqs://<queue-name> or sqs://<account-id>/<queue-name>");
                }
                account = authority;
                name = path.substring(1);
            }
        }
        if (!NAME.matcher(name).matches() || name.length() > 80) {
            throw new ConfigurationException("queue uri '" + uri + "': '" + name + "' is not an SQS queue name (1 to 80"
                    + " letters, digits, '-' or '_', with '.fifo' at the end for a FIFO queue)");
        }
        URI endpoint = endpoint(uri, params.get("endpoint"));
        if (endpoint == null) endpoint = urlEndpoint;
        if (endpoint == null) endpoint = endpoint(uri, context.env("AWS_ENDPOINT_URL_SQS"));
        if (endpoint == null) endpoint = endpoint(uri, context.env("AWS_ENDPOINT_URL"));
        String region = params.get("region");
        if (region != null && urlRegion != null && !region.equals(urlRegion)) {
            throw new ConfigurationException("queue uri '" + uri + "': the queue URL is in region " + urlRegion
                    + " but region=" + region + "; drop region= or fix it");
        }
        if (region == null) region = urlRegion;
        if (region == null) region = blankToNull(context.env("AWS_REGION"));
        if (region == null) region = blankToNull(context.env("AWS_DEFAULT_REGION"));
        if (region == null && endpoint != null) region = "us-east-1";
        if (region != null && endpoint == null && !AWS_REGION.matcher(region).matches()) {
            throw new ConfigurationException("queue uri '" + uri + "': '" + region + "' is not an AWS region name"
                    + " (like eu-west-1 or us-east-1)" + (region.matches("[a-z]+-[a-z]+\\d") ? "; it looks like a"
                    + " Google Cloud region" : "") + "; fix region= (or AWS_REGION)");
        }
        String group = params.get("group");
        if (group != null) {
            if (!name.endsWith(FIFO_SUFFIX)) {
                throw new ConfigurationException("queue uri '" + uri + "': group= is for FIFO queues (a name ending"
                        + " in .fifo); a standard queue has no message groups");
            }
            if (group.isEmpty() || group.length() > 128) {
                throw new ConfigurationException("queue uri '" + uri + "': group must be 1 to 128 characters, was "
                        + group.length());
            }
        }
        return new SqsAddress(uri, name, queueUrl, account, region, endpoint, group);
    }

    private static URI parseUrl(URI uri, String url) {
        try {
            URI u = new URI(url);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null
                    || u.getPath() == null || u.getPath().lastIndexOf('/') <= 0) {
                throw new URISyntaxException(url, "expected http(s)://<host>/<account-id>/<queue-name>");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConfigurationException("queue uri '" + uri + "': url '" + url + "' is not an SQS queue URL ("
                    + e.getReason() + ")", e);
        }
    }

    private static URI endpoint(URI uri, String value) {
        value = blankToNull(value);
        if (value == null) return null;
        try {
            URI e = new URI(value);
            if (e.getScheme() == null || e.getHost() == null) throw new URISyntaxException(value, "no scheme or host");
            return e;
        } catch (URISyntaxException e) {
            throw new ConfigurationException("queue uri '" + uri + "': endpoint '" + value + "' is not a URL like"
                    + " http://127.0.0.1:9324 (" + e.getReason() + ")", e);
        }
    }

    private static URI origin(URI u) {
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
