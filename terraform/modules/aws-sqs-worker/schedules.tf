locals {
  schedules = { for s in var.schedules : s.name => s }

  # The SQS message body each schedule sends: a structured-mode CloudEvent (JSON with specversion),
  # which Sluice's codec decodes as such. EventBridge Scheduler replaces the <aws.scheduler.*>
  # context attributes on every run, so each run gets its own id. The template is written out
  # rather than built with jsonencode because jsonencode escapes "<" and ">" (as \u003c, \u003e)
  # and the Scheduler would then not recognise its placeholders; the values are jsonencode'd.
  # terraform/test renders these bodies into fixtures that the Java codec test decodes.
  schedule_bodies = {
    for s in var.schedules : s.name => "{\"specversion\":\"1.0\",\"id\":\"<aws.scheduler.execution-id>\",\"source\":${s.source == null ? "\"<aws.scheduler.schedule-arn>\"" : jsonencode(s.source)},\"type\":${jsonencode(s.type)},\"time\":\"<aws.scheduler.scheduled-time>\",\"datacontenttype\":\"application/json\",\"data\":${jsonencode(jsondecode(s.data))}}"
  }
}

data "aws_iam_policy_document" "scheduler_assume" {
  count = length(var.schedules) > 0 ? 1 : 0

  statement {
    sid     = "SchedulerAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count              = length(var.schedules) > 0 ? 1 : 0
  name               = "${var.name}-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume[0].json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  count = length(var.schedules) > 0 ? 1 : 0

  statement {
    sid       = "SendToQueue"
    actions   = ["sqs:SendMessage"]
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

resource "aws_iam_role_policy" "scheduler" {
  count  = length(var.schedules) > 0 ? 1 : 0
  name   = "sluice-scheduler"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler[0].json
}

resource "aws_scheduler_schedule" "job" {
  for_each = local.schedules

  name                         = "${var.name}-${each.key}"
  description                  = "Sends a ${each.value.type} CloudEvent to ${local.queue_name}"
  schedule_expression          = can(regex("^(cron|rate|at)\\(", each.value.cron)) ? each.value.cron : "cron(${each.value.cron})"
  schedule_expression_timezone = each.value.timezone

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sqs_queue.queue.arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = local.schedule_bodies[each.key]

    dynamic "sqs_parameters" {
      for_each = var.fifo ? [coalesce(each.value.message_group_id, each.key)] : []
      content {
        message_group_id = sqs_parameters.value
      }
    }
  }
}
