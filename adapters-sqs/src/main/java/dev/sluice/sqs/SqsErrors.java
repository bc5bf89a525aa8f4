package dev.sluice.sqs;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.spi.DriverError;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The one table from SQS errors to {@link ErrorCode}, and the sentences users read. Codes are those of the
 * JSON protocol and their query-protocol aliases (the SDK reports either, depending on the server).
 */
final class SqsErrors {
    private SqsErrors() {
    }

    private static final Map<String, ErrorCode> TABLE = Map.ofEntries(
            Map.entry("QueueDoesNotExist", ErrorCode.NOT_FOUND),
            Map.entry("AWS.SimpleQueueService.NonExistentQueue", ErrorCode.NOT_FOUND),
            // a receipt handle whose lease ended: the message was or will be delivered again
            Map.entry("ReceiptHandleIsInvalid", ErrorCode.NOT_FOUND),
            Map.entry("MessageNotInflight", ErrorCode.NOT_FOUND),
            Map.entry("AWS.SimpleQueueService.MessageNotInflight", ErrorCode.NOT_FOUND),
            Map.entry("ResourceNotFoundException", ErrorCode.NOT_FOUND),
            Map.entry("AccessDenied", ErrorCode.PERMISSION_DENIED),
            Map.entry("AccessDeniedException", ErrorCode.PERMISSION_DENIED),
            Map.entry("InvalidClientTokenId", ErrorCode.PERMISSION_DENIED),
            Map.entry("UnrecognizedClientException", ErrorCode.PERMISSION_DENIED),
            Map.entry("SignatureDoesNotMatch", ErrorCode.PERMISSION_DENIED),
            Map.entry("MissingAuthenticationToken", ErrorCode.PERMISSION_DENIED),
            Map.entry("ExpiredToken", ErrorCode.PERMISSION_DENIED),
            Map.entry("InvalidSecurity", ErrorCode.PERMISSION_DENIED),
            Map.entry("KmsAccessDenied", ErrorCode.PERMISSION_DENIED),
            Map.entry("Throttling", ErrorCode.THROTTLED),
            Map.entry("ThrottlingException", ErrorCode.THROTTLED),
            Map.entry("RequestThrottled", ErrorCode.THROTTLED),
            Map.entry("OverLimit", ErrorCode.THROTTLED),
            Map.entry("KmsThrottled", ErrorCode.THROTTLED),
            Map.entry("InvalidParameterValue", ErrorCode.INVALID),
            Map.entry("InvalidParameterValueException", ErrorCode.INVALID),
            Map.entry("InvalidAttributeName", ErrorCode.INVALID),
            Map.entry("InvalidAttributeValue", ErrorCode.INVALID),
            Map.entry("InvalidMessageContents", ErrorCode.INVALID),
            Map.entry("BatchEntryIdsNotDistinct", ErrorCode.INVALID),
            Map.entry("TooManyEntriesInBatchRequest", ErrorCode.INVALID),
            Map.entry("EmptyBatchRequest", ErrorCode.INVALID),
            Map.entry("InvalidBatchEntryId", ErrorCode.INVALID),
            Map.entry("UnsupportedOperation", ErrorCode.INVALID),
            Map.entry("MissingParameter", ErrorCode.INVALID),
            Map.entry("InvalidAddress", ErrorCode.INVALID),
            Map.entry("QueueNameExists", ErrorCode.INVALID),
            Map.entry("QueueAlreadyExists", ErrorCode.INVALID),
            Map.entry("QueueDeletedRecently", ErrorCode.INVALID),
            Map.entry("ServiceUnavailable", ErrorCode.UNAVAILABLE),
            Map.entry("InternalError", ErrorCode.UNAVAILABLE),
            Map.entry("InternalFailure", ErrorCode.UNAVAILABLE),
            Map.entry("KmsNotFound", ErrorCode.INVALID),
            Map.entry("KmsDisabled", ErrorCode.INVALID));

    /** The portable class of an SQS error code, e.g. {@code "InvalidParameterValue"}; null when unknown. */
    static ErrorCode byCode(String awsCode) {
        if (awsCode == null) return null;
        ErrorCode c = TABLE.get(awsCode);
        if (c == null && awsCode.endsWith("TooLong")) c = ErrorCode.INVALID; // MessageTooLong, BatchRequestTooLong
        return c;
    }

    /** The portable class of a batch entry's error: the table, else by who is at fault. */
    static ErrorCode byEntry(String awsCode, Boolean senderFault) {
        ErrorCode c = byCode(awsCode);
        if (c != null) return c;
        return Boolean.TRUE.equals(senderFault) ? ErrorCode.INVALID : ErrorCode.UNAVAILABLE;
    }

    /** The portable class of a failed call. */
    static ErrorCode code(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof QueueDoesNotExistException) return ErrorCode.NOT_FOUND;
        if (e instanceof AwsServiceException s) {
            ErrorCode c = byCode(s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode());
            if (c != null) return c;
            if (s.isThrottlingException()) return ErrorCode.THROTTLED;
            int status = s.statusCode();
            if (status >= 500) return ErrorCode.UNAVAILABLE;
            if (status == 401 || status == 403) return ErrorCode.PERMISSION_DENIED;
            if (status == 404) return ErrorCode.NOT_FOUND;
            if (status >= 400) return ErrorCode.INVALID;
            return ErrorCode.UNKNOWN;
        }
        if (isMissingCredentials(e)) return ErrorCode.PERMISSION_DENIED;
        if (e instanceof SdkClientException || e instanceof IOException) return ErrorCode.UNAVAILABLE;
        return ErrorCode.UNKNOWN;
    }

    /** The SDK found no credentials: it never reached the server, and trying again will not help. */
    static boolean isMissingCredentials(Throwable e) {
        return e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("credentials");
    }

    /**
     * Whether nothing listens at a local endpoint (a server not started, a wrong port), asked directly: under load
     * the SDK may report a refused connection as a connection-pool timeout instead.
     */
    private static boolean nothingListens(java.net.URI endpoint) {
        if (!SqsClients.isLocal(endpoint) || endpoint.getPort() < 0) return false;
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 1000);
            return false;
        } catch (java.net.ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    /** Nothing accepted the connection (a local server not started, a wrong port). */
    private static boolean isRefused(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    /** The SQS error code of a failed call, or its exception class. */
    static String awsCode(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }

    /** A sentence for a failed call: what was tried, on which queue, what SQS said and what to do. */
    static String describe(Throwable t, String action, SqsAddress address) {
        Throwable e = unwrap(t);
        ErrorCode code = code(e);
        String said = e instanceof AwsServiceException s && s.awsErrorDetails() != null
                ? s.awsErrorDetails().errorMessage() : e.getMessage();
        String base = action + " on " + address.describe() + " failed: " + awsCode(e)
                + (said == null || said.isBlank() ? "" : " (" + said + ")");
        return base + switch (code) {
            case NOT_FOUND -> "; check the queue name, the region (region= or AWS_REGION) and the account, or let"
                    + " Sluice create the queue (QueueSpec provisioning CREATE_IF_MISSING)";
            case PERMISSION_DENIED -> isMissingCredentials(e)
                    ? "; no AWS credentials were found (the SDK's default chain: AWS_ACCESS_KEY_ID and"
                            + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, an instance role); the server was not contacted"
                    : "; the credentials from the AWS default chain need " + action
                            + " on this queue (see the IAM list in the sluice-adapters-sqs README)";
            case THROTTLED -> "; SQS asks to slow down";
            case UNAVAILABLE -> address.endpoint() != null && (isRefused(e) || nothingListens(address.endpoint()))
                    ? "; nothing accepts connections at " + address.endpoint() + ": is the server running?"
                    : "; SQS could not be reached or failed" + (address.endpoint() == null ? ""
                            : " (is the server at " + address.endpoint() + " running?)");
            default -> "";
        };
    }

    /** A {@link DriverError} for a failed call. */
    static DriverError error(Throwable t, String action, SqsAddress address) {
        Throwable e = unwrap(t);
        return new DriverError(code(e), describe(e, action, address), e);
    }

    /** A {@link SluiceException} for a failed call, wrapped once. */
    static SluiceException exception(Throwable t, String action, SqsAddress address) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return s;
        return new SluiceException(code(e), describe(e, action, address), e);
    }

    /** Strips the future wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
