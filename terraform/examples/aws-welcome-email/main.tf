module "welcome_email" {
  source = "../../modules/aws-sqs-worker"

  name            = "welcome-email"
  lambda_jar_path = coalesce(var.lambda_jar_path, "${path.module}/../../../samples/target/sluice-samples-lambda.jar")
  sluice_modules  = var.sluice_modules

  # The sample's send-welcome-email job: 3 attempts, exponential backoff from 1 s.
  max_delivery_attempts       = 3
  retry_strategy              = "exponential"
  retry_initial_delay_seconds = 1
  retry_max_delay_seconds     = 600

  # A cold JVM start plus an SMTP call fits in 10 s; SQS then needs a visibility timeout of 60 s.
  visibility_timeout_seconds = 60
  function_timeout_seconds   = 10
  memory_size                = 1024

  batch_size                      = 10
  maximum_batching_window_seconds = 1
  maximum_concurrency             = 5

  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]

  # A canary: one real welcome e-mail a day proves the whole path (schedule, queue, function, SMTP).
  schedules = [
    {
      name = "daily-smoke-test"
      cron = "0 6 * * ? *"
      type = "send-welcome-email"
      data = jsonencode({
        email       = var.smoke_test_recipient
        displayName = "Sluice smoke test"
      })
    },
  ]

  tags = {
    app = "sluice-welcome-email"
  }
}
