# TLS only: both queues deny every request that does not arrive over HTTPS, whoever makes it. A Deny of
# sqs:* narrows access and grants nothing, which is why the checker's wildcard rule passes Deny statements.
data "aws_iam_policy_document" "tls_only" {
  for_each = {
    queue = aws_sqs_queue.queue.arn
    dlq   = aws_sqs_queue.dlq.arn
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "queue" {
  queue_url = aws_sqs_queue.queue.id
  policy    = data.aws_iam_policy_document.tls_only["queue"].json
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.tls_only["dlq"].json
}
