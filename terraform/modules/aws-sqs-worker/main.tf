data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  suffix     = var.fifo ? ".fifo" : ""
  queue_name = "${var.name}${local.suffix}"
  dlq_name   = "${var.name}-dlq${local.suffix}"

  # <NAME> in SLUICE_QUEUE_<NAME>_*: Lambda variable names allow letters, digits and underscores only.
  env_key = upper(replace(var.name, "-", "_"))

  # The redrive policy is Sluice's backstop, never ahead of Sluice's own dead letter (which carries the reason):
  # SqsCapabilities.maxReceiveCount in adapters-sqs. On FIFO a receive hands out up to 10 messages of a group and
  # the later ones are given back behind a failure; SQS counts those receives, Sluice does not count them as
  # attempts, so the queue allows 10 receives per attempt.
  max_receive_count = var.fifo ? var.max_delivery_attempts * 10 : var.max_delivery_attempts

  function_timeout = coalesce(var.function_timeout_seconds, max(1, floor(var.visibility_timeout_seconds / 6)))

  queue_uri = "sqs://${local.queue_name}?region=${data.aws_region.current.region}"
  dlq_uri   = "sqs://${local.dlq_name}?region=${data.aws_region.current.region}"

  # The configuration the Sluice runtime reads at cold start (sluice-runtime-core's bootstrap, Lambda host).
  # Terraform owns the queues: PROVISIONING=verify makes the runtime only check them at start-up.
  sluice_env = {
    "SLUICE_MODULES"                                      = join(",", var.sluice_modules)
    "SLUICE_QUEUE_${local.env_key}_URI"                   = local.queue_uri
    "SLUICE_QUEUE_${local.env_key}_DLQ"                   = local.dlq_uri
    "SLUICE_QUEUE_${local.env_key}_MAX_DELIVERY_ATTEMPTS" = tostring(var.max_delivery_attempts)
    "SLUICE_QUEUE_${local.env_key}_RETRY"                 = var.retry_strategy
    "SLUICE_QUEUE_${local.env_key}_RETRY_INITIAL_DELAY"   = "${var.retry_initial_delay_seconds}s"
    "SLUICE_QUEUE_${local.env_key}_RETRY_MAX_DELAY"       = "${var.retry_max_delay_seconds}s"
    "SLUICE_QUEUE_${local.env_key}_RETRY_MULTIPLIER"      = tostring(var.retry_multiplier)
    "SLUICE_QUEUE_${local.env_key}_LEASE"                 = "${var.visibility_timeout_seconds}s"
    "SLUICE_QUEUE_${local.env_key}_CONCURRENCY"           = tostring(var.concurrency)
    "SLUICE_QUEUE_${local.env_key}_PROVISIONING"          = "verify"
  }
}

resource "aws_sqs_queue" "dlq" {
  name                        = local.dlq_name
  fifo_queue                  = var.fifo ? true : null
  content_based_deduplication = var.fifo ? var.content_based_deduplication : null
  message_retention_seconds   = var.dlq_message_retention_seconds

  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : var.kms_data_key_reuse_period_seconds

  tags = var.tags
}

resource "aws_sqs_queue" "queue" {
  name                        = local.queue_name
  fifo_queue                  = var.fifo ? true : null
  content_based_deduplication = var.fifo ? var.content_based_deduplication : null
  visibility_timeout_seconds  = var.visibility_timeout_seconds
  message_retention_seconds   = var.message_retention_seconds

  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : var.kms_data_key_reuse_period_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = local.max_receive_count
  })

  tags = var.tags
}

# Only this queue may use the DLQ as its dead-letter target (a separate resource: the queue already
# refers to the DLQ, so the DLQ cannot refer back to the queue without a cycle).
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.queue.arn]
  })
}
