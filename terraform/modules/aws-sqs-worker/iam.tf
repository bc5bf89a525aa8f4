data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${var.name}-worker"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "function" {
  # The event source mapping polls with the function's role; the runtime itself deletes handled
  # messages and moves a failed message's next delivery out with ChangeMessageVisibility (backoff).
  statement {
    sid = "ConsumeQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.queue.arn]
  }

  # Permanent failures and undecodable messages go to the DLQ at once, sent by the runtime.
  statement {
    sid = "DeadLetter"
    actions = [
      "sqs:SendMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.dlq.arn]
  }

  # Follow-up events: delivery.emit publishes to the worker's own queue by default, and to the queues
  # the application names in var.emits_to; without this a chain is retried, then dead-lettered.
  statement {
    sid = "EmitFollowUps"
    actions = [
      "sqs:SendMessage",
      "sqs:GetQueueUrl",
    ]
    resources = concat([aws_sqs_queue.queue.arn], var.emits_to)
  }

  # Log streams of this function's own log group, nothing else ("…:*" names its streams).
  statement {
    sid = "WriteOwnLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid = "QueueEncryptionKey"
      actions = [
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "sluice-worker"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}
