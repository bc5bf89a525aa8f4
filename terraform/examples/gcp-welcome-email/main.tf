module "welcome_email" {
  source = "../../modules/gcp-pubsub-worker"

  project_id     = var.project_id
  region         = var.region
  name           = "welcome-email"
  image          = var.image
  sluice_modules = var.sluice_modules

  # The AWS example gives the send-welcome-email job 3 attempts. Pub/Sub's dead-letter policy
  # accepts no fewer than 5, so on GCP the job gets 5: same handler, two more tries.
  max_delivery_attempts       = 5
  retry_strategy              = "exponential"
  retry_initial_delay_seconds = 1
  retry_max_delay_seconds     = 600

  # The ack deadline is also the push request timeout and the Cloud Run request timeout.
  ack_deadline_seconds = 60
  concurrency          = 8
  max_instances        = 5

  alert_notification_channels = var.notification_channels

  # Lets `terraform destroy` remove the example; keep the default (true) in production.
  deletion_protection = false

  # A canary: one real welcome e-mail a day proves the whole path (scheduler, topic, push, SMTP).
  schedules = [
    {
      name = "daily-smoke-test"
      cron = "0 6 * * *"
      type = "send-welcome-email"
      data = jsonencode({
        email       = var.smoke_test_recipient
        displayName = "Sluice smoke test"
      })
    },
  ]

  labels = {
    app = "sluice-welcome-email"
  }
}
