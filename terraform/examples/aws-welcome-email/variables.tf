variable "aws_region" {
  type        = string
  description = "Region to deploy the welcome-e-mail worker to."
  default     = "eu-west-1"
}

variable "lambda_jar_path" {
  type        = string
  description = "The samples' Lambda deployment jar, built with `mvn -pl samples -am package` from the repository root. Null uses samples/target/sluice-samples-lambda.jar in this repository."
  default     = null
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

variable "alarm_topic_arn" {
  type        = string
  description = "SNS topic notified by the alarms (DLQ depth, oldest message age, Lambda errors and throttles); null for none."
  default     = null
}
