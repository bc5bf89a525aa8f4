resource "aws_cloudwatch_log_group" "function" {
  # The name Lambda logs to by default; created here so the role needs no logs:CreateLogGroup.
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "worker" {
  function_name    = var.name
  role             = aws_iam_role.function.arn
  runtime          = var.runtime
  handler          = var.handler
  filename         = var.lambda_jar_path
  source_code_hash = filebase64sha256(var.lambda_jar_path)
  memory_size      = var.memory_size
  timeout          = local.function_timeout

  environment {
    variables = merge(var.environment, local.sluice_env)
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.function,
    aws_iam_role_policy.function,
  ]
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn = aws_sqs_queue.queue.arn
  function_name    = aws_lambda_function.worker.arn
  batch_size       = var.batch_size

  # Standard queues only; the provider sends nothing for null.
  maximum_batching_window_in_seconds = var.fifo ? null : var.maximum_batching_window_seconds

  # The runtime answers with SQSBatchResponse: only the failed messages come back.
  function_response_types = ["ReportBatchItemFailures"]

  dynamic "scaling_config" {
    for_each = var.maximum_concurrency == null ? [] : [var.maximum_concurrency]
    content {
      maximum_concurrency = scaling_config.value
    }
  }
}

# AWS recommends a visibility timeout of at least 6 times the function timeout for an SQS event source,
# so that a batch whose invocation is throttled and retried is not redelivered meanwhile. A recommendation,
# not a rule: a warning at plan and apply, not an error.
check "visibility_timeout_six_times_function_timeout" {
  assert {
    condition     = var.visibility_timeout_seconds >= 6 * local.function_timeout
    error_message = "The visibility timeout (${var.visibility_timeout_seconds}s) is shorter than 6 times the function timeout (${local.function_timeout}s), AWS's recommendation for SQS event sources: a throttled batch may come back while it is retried."
  }
}
