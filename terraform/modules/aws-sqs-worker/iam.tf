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

# Producers: send to the queue, nothing else. Attached to the roles in var.producer_role_names; the
# policy's ARN is an output for roles managed elsewhere. (GetQueueUrl: a publisher opens sqs://<name>.)
data "aws_iam_policy_document" "producer" {
  statement {
    sid = "SendToQueue"
    actions = [
      "sqs:SendMessage",
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.queue.arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid = "QueueEncryptionKey"
      actions = [
        "kms:GenerateDataKey",
        "kms:Decrypt",
      ]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_policy" "producer" {
  name        = "${var.name}-producer"
  description = "Sluice: send jobs to ${local.queue_name}."
  policy      = data.aws_iam_policy_document.producer.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "producer" {
  for_each   = toset(var.producer_role_names)
  role       = each.value
  policy_arn = aws_iam_policy.producer.arn
}

# Operators: redrive the dead letters back to the queue, with SQS's message move task
# (StartMessageMoveTask on the DLQ, which receives and deletes there and sends to the queue) or by hand
# (receive and delete on the DLQ, send on the queue). Nothing else: no purge, no attribute changes.
data "aws_iam_policy_document" "operator" {
  statement {
    sid = "DrainDeadLetters"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:StartMessageMoveTask",
      "sqs:ListMessageMoveTasks",
      "sqs:CancelMessageMoveTask",
    ]
    resources = [aws_sqs_queue.dlq.arn]
  }

  statement {
    sid = "RedriveToQueue"
    actions = [
      "sqs:SendMessage",
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.queue.arn]
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

resource "aws_iam_policy" "operator" {
  name        = "${var.name}-operator"
  description = "Sluice: redrive the dead letters of ${local.dlq_name} to ${local.queue_name}."
  policy      = data.aws_iam_policy_document.operator.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "operator" {
  for_each   = toset(var.operator_role_names)
  role       = each.value
  policy_arn = aws_iam_policy.operator.arn
}

# With SSE-KMS, KMS grants on the customer-managed key for the roles this module owns, so the key's
# policy need not delegate to IAM for them (the IAM statements above suffice when it does).
resource "aws_kms_grant" "worker" {
  count             = var.kms_key_arn == null ? 0 : 1
  name              = "${var.name}-worker"
  key_id            = var.kms_key_arn
  grantee_principal = aws_iam_role.function.arn
  operations        = ["Decrypt", "GenerateDataKey"]
}
