output "queue_url" {
  description = "URL of the work queue."
  value       = aws_sqs_queue.queue.url
}

output "queue_arn" {
  description = "ARN of the work queue."
  value       = aws_sqs_queue.queue.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "queue_uri" {
  description = "The queue as a Sluice URI, for publishers (Publisher.open(uri))."
  value       = local.queue_uri
}

output "dlq_uri" {
  description = "The DLQ as a Sluice URI."
  value       = local.dlq_uri
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.worker.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.worker.arn
}

output "role_name" {
  description = "Name of the function's role, to attach grants for what the handler itself calls (for example sqs:SendMessage on a follow-up queue)."
  value       = aws_iam_role.function.name
}

output "sluice_environment" {
  description = "The SLUICE_* variables set on the function: the same values configure a local poller (the standalone host)."
  value       = local.sluice_env
}

output "schedule_arns" {
  description = "ARNs of the EventBridge Scheduler schedules, by schedule name."
  value       = { for k, s in aws_scheduler_schedule.job : k => s.arn }
}

output "alarm_arns" {
  description = "ARNs of the alarms: DLQ depth, oldest message age, Lambda errors and throttles."
  value = {
    dlq_depth          = aws_cloudwatch_metric_alarm.dlq_depth.arn
    oldest_message_age = aws_cloudwatch_metric_alarm.oldest_message_age.arn
    lambda_errors      = aws_cloudwatch_metric_alarm.lambda_errors.arn
    lambda_throttles   = aws_cloudwatch_metric_alarm.lambda_throttles.arn
  }
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (queue, DLQ and function)."
  value       = aws_cloudwatch_dashboard.worker.dashboard_name
}

output "producer_policy_arn" {
  description = "ARN of the producer policy (send to the queue), to attach to publishers' roles."
  value       = aws_iam_policy.producer.arn
}

output "operator_policy_arn" {
  description = "ARN of the operator policy (redrive the DLQ to the queue), to attach to operators' roles."
  value       = aws_iam_policy.operator.arn
}
