variable "project_id" {
  type        = string
  description = "Google Cloud project to deploy the welcome-e-mail worker to."
}

variable "region" {
  type        = string
  description = "Region of the Cloud Run service and the scheduler job."
  default     = "europe-west1"
}

variable "image" {
  type        = string
  description = "Container image of the samples' Cloud Run worker, pushed to Artifact Registry (see the README)."
}

variable "sluice_modules" {
  type        = list(string)
  description = "Guice modules that bind the welcome-e-mail handler."
  default     = ["dev.sluice.samples.welcome.WelcomeEmailModule"]
}

variable "smoke_test_recipient" {
  type        = string
  description = "Address the daily scheduled smoke test sends a welcome e-mail to."
  default     = "ops@example.com"
}

variable "notification_channels" {
  type        = list(string)
  description = "Cloud Monitoring notification channels for the alert policies (dead letters, oldest unacked message age, push errors)."
  default     = []
}
