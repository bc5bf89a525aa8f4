# Defaults marked "queue-defaults.properties" must equal
# api/src/main/resources/dev/sluice/queue-defaults.properties; terraform/test fails when they drift.

variable "project_id" {
  type        = string
  description = "Google Cloud project that holds the topics, subscriptions, service accounts and the Cloud Run service."
}

variable "region" {
  type        = string
  description = "Region of the Cloud Run service and the Cloud Scheduler jobs (for example europe-west1)."
}

variable "name" {
  type        = string
  description = "Logical queue name (for example \"welcome-email\"). Names the topic, the subscriptions, the service and the service accounts; upper-cased (hyphens become underscores) it is the <NAME> in the SLUICE_QUEUE_<NAME>_* variables."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,22}[a-z0-9]$", var.name))
    error_message = "name must be 4..24 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen (service account ids add \"-push\" within 30 characters)."
  }
}

variable "max_delivery_attempts" {
  type        = number
  description = "Deliveries before Pub/Sub dead-letters a message: the dead_letter_policy's max_delivery_attempts and the runtime's maxDeliveryAttempts (queue-defaults.properties: maxDeliveryAttempts). Pub/Sub accepts 5..100."
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100 && floor(var.max_delivery_attempts) == var.max_delivery_attempts
    error_message = "max_delivery_attempts must be a whole number from 5 to 100: Pub/Sub's dead-letter policy allows no fewer than 5 attempts."
  }
}

variable "ack_deadline_seconds" {
  type        = number
  description = "The worker subscription's ack deadline, Sluice's lease (queue-defaults.properties: leaseSeconds). For push it is also the request timeout, so the Cloud Run request timeout is set to the same value."
  default     = 30

  validation {
    condition     = var.ack_deadline_seconds >= 10 && var.ack_deadline_seconds <= 600
    error_message = "ack_deadline_seconds must be between 10 and 600."
  }
}

variable "message_retention_seconds" {
  type        = number
  description = "How long the worker subscription keeps an unacknowledged message (600..2678400 s). The DLQ subscription keeps its messages longer."
  default     = 604800

  validation {
    condition     = var.message_retention_seconds >= 600 && var.message_retention_seconds <= 2678400
    error_message = "message_retention_seconds must be between 600 and 2678400 (31 days)."
  }
}

variable "dlq_message_retention_seconds" {
  type        = number
  description = "How long the DLQ subscription keeps a dead letter; must exceed message_retention_seconds."
  default     = 2678400

  validation {
    condition     = var.dlq_message_retention_seconds <= 2678400 && var.dlq_message_retention_seconds > var.message_retention_seconds
    error_message = "dlq_message_retention_seconds must be longer than message_retention_seconds and at most 2678400 (31 days)."
  }
}

variable "retry_strategy" {
  type        = string
  description = "Backoff after a failed attempt: exponential, fixed or none. Push subscriptions back off with the subscription's retry_policy (exponential from the initial to the max delay; fixed sets both to the initial delay; none removes the policy, so Pub/Sub redelivers at once)."
  default     = "exponential"

  validation {
    condition     = contains(["exponential", "fixed", "none"], var.retry_strategy)
    error_message = "retry_strategy must be exponential, fixed or none."
  }
}

variable "retry_initial_delay_seconds" {
  type        = number
  description = "First backoff delay in seconds, the retry_policy's minimum_backoff (queue-defaults.properties: retry.initialDelaySeconds)."
  default     = 1

  validation {
    condition     = var.retry_initial_delay_seconds >= 0 && var.retry_initial_delay_seconds <= var.retry_max_delay_seconds
    error_message = "retry_initial_delay_seconds must be between 0 and retry_max_delay_seconds."
  }
}

variable "retry_max_delay_seconds" {
  type        = number
  description = "Largest backoff delay in seconds, the retry_policy's maximum_backoff (queue-defaults.properties: retry.maxDelaySeconds). Pub/Sub allows at most 600."
  default     = 600

  validation {
    condition     = var.retry_max_delay_seconds >= 0 && var.retry_max_delay_seconds <= 600
    error_message = "retry_max_delay_seconds must be between 0 and 600 (Pub/Sub's maximum_backoff limit)."
  }
}

variable "retry_multiplier" {
  type        = number
  description = "Factor between successive exponential delays (queue-defaults.properties: retry.multiplier). Pub/Sub's push backoff chooses its own factor; the runtime uses this one where it sets the delay itself."
  default     = 2.0

  validation {
    condition     = var.retry_multiplier >= 1
    error_message = "retry_multiplier must be at least 1."
  }
}

variable "concurrency" {
  type        = number
  description = "Messages one instance handles at once: the Cloud Run request concurrency and SLUICE_QUEUE_<NAME>_CONCURRENCY (queue-defaults.properties: concurrency)."
  default     = 8

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be between 1 and 1000 (Cloud Run's request concurrency limit)."
  }
}

variable "enable_message_ordering" {
  type        = bool
  description = "Deliver messages with the same ordering key in publish order (publishers must set ordering keys)."
  default     = false
}

variable "image" {
  type        = string
  description = "Container image of the worker (the handler's code with the Sluice runtime's Cloud Run host), for example europe-west1-docker.pkg.dev/acme/sluice/welcome-email:1.0.0."
}

variable "sluice_modules" {
  type        = list(string)
  description = "Fully qualified Guice module classes that bind the handlers; joined with commas into SLUICE_MODULES."

  validation {
    condition     = length(var.sluice_modules) > 0
    error_message = "sluice_modules must name at least one Guice module."
  }
}

variable "environment" {
  type        = map(string)
  description = "Extra environment variables for the container. The SLUICE_* variables this module sets take precedence."
  default     = {}
}

variable "push_path" {
  type        = string
  description = "Path on the service that receives Pub/Sub push requests."
  default     = "/"

  validation {
    condition     = startswith(var.push_path, "/")
    error_message = "push_path must start with a slash."
  }
}

variable "push_audience" {
  type        = string
  description = "Audience of the push OIDC token, registered as a custom audience on the service and given to the runtime as SLUICE_PUSH_AUDIENCE. Null uses \"sluice/<project>/<region>/<name>\" (the service URL cannot be used: the service's own environment would then depend on the service)."
  default     = null
}

variable "cpu" {
  type        = string
  description = "CPU limit of the container."
  default     = "1"
}

variable "memory" {
  type        = string
  description = "Memory limit of the container."
  default     = "512Mi"
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm (0 scales to zero)."
  default     = 0
}

variable "max_instances" {
  type        = number
  description = "Most instances the service scales to."
  default     = 10

  validation {
    condition     = var.max_instances >= 1 && var.max_instances >= var.min_instances
    error_message = "max_instances must be at least 1 and at least min_instances."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to destroy the Cloud Run service from Terraform."
  default     = true
}

variable "grant_token_creator_to_pubsub_agent" {
  type        = bool
  description = "Let the Pub/Sub service agent mint OIDC tokens for the push service account (roles/iam.serviceAccountTokenCreator on that one account). Needed in projects that enabled Pub/Sub before 8 April 2021; harmless elsewhere."
  default     = true
}

variable "alert_notification_channels" {
  type        = list(string)
  description = "Cloud Monitoring notification channel ids (projects/<p>/notificationChannels/<id>) notified by every alert policy of the module: DLQ backlog, oldest unacked message age, push errors."
  default     = []
}

variable "dlq_backlog_threshold" {
  type        = number
  description = "The alert fires when the DLQ subscription holds more than this many undelivered messages."
  default     = 0
}

variable "oldest_unacked_age_threshold_seconds" {
  type        = number
  description = "The age alert fires when the worker subscription's oldest unacked message is older than this."
  default     = 900
}

variable "push_errors_threshold" {
  type        = number
  description = "The push errors alert fires when more than this many push requests in 5 minutes get another answer than an ack (4xx, 5xx, timeout, unreachable). A retry is an error answer by design, so not 0."
  default     = 10
}

variable "kms_key_name" {
  type        = string
  description = "Customer-managed encryption (CMEK) for both topics: a Cloud KMS key id (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>). The Pub/Sub service agent gets roles/cloudkms.cryptoKeyEncrypterDecrypter on that key only. Null (the default): Google-managed encryption."
  default     = null

  validation {
    condition     = var.kms_key_name == null ? true : can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a crypto key id: projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>."
  }
}

variable "ingress" {
  type        = string
  description = "Who may reach the Cloud Run service over the network. INGRESS_TRAFFIC_INTERNAL_ONLY (the default) admits Pub/Sub push from this project (and VPC / Service Controls perimeter traffic) and nothing from the internet; every request must still carry a token of an account with roles/run.invoker. INGRESS_TRAFFIC_ALL when pushes come through a path Cloud Run does not count as internal."
  default     = "INGRESS_TRAFFIC_INTERNAL_ONLY"

  validation {
    condition     = contains(["INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", "INGRESS_TRAFFIC_ALL"], var.ingress)
    error_message = "ingress must be INGRESS_TRAFFIC_INTERNAL_ONLY, INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER or INGRESS_TRAFFIC_ALL."
  }
}

variable "publisher_members" {
  type        = list(string)
  description = "Members (serviceAccount:..., group:...) that publish jobs: roles/pubsub.publisher on the topic, nothing else."
  default     = []
}

variable "operator_members" {
  type        = list(string)
  description = "Members that redrive dead letters: roles/pubsub.subscriber on the DLQ subscription (pull, ack) and roles/pubsub.publisher on the topic (republish)."
  default     = []
}

variable "schedules" {
  type = list(object({
    name     = string
    cron     = string
    type     = string
    data     = optional(string, "{}")
    timezone = optional(string, "Etc/UTC")
  }))
  description = "Repeatable jobs: each becomes a Cloud Scheduler job that publishes to the topic. cron is unix-cron with five fields (\"0 9 * * *\"); type is the CloudEvent type; data is a JSON document (use jsonencode). The message carries data as its payload and the attributes content-type and sluice-type; Sluice's codec turns it into a CloudEvent whose id is the Pub/Sub message id."
  default     = []

  validation {
    condition     = alltrue([for s in var.schedules : can(jsondecode(s.data))])
    error_message = "Each schedule's data must be a JSON document (use jsonencode)."
  }

  validation {
    condition     = alltrue([for s in var.schedules : length(split(" ", trimspace(s.cron))) == 5])
    error_message = "Each schedule's cron must be unix-cron with five fields (minute hour day-of-month month day-of-week)."
  }

  validation {
    condition     = length(distinct([for s in var.schedules : s.name])) == length(var.schedules)
    error_message = "Schedule names must be unique."
  }
}

variable "emits_to" {
  type        = list(string)
  description = "Names of the other topics (in project_id) the handlers emit follow-up events to (delivery.emit publishes to the worker's own topic by default, which is always granted). The runtime may publish to these and no others."
  default     = []

  validation {
    condition     = alltrue([for t in var.emits_to : can(regex("^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$", t))])
    error_message = "Each emits_to entry must be a topic name (3-255 characters, starting with a letter), not an id or a wildcard."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels for every resource that takes them."
  default     = {}
}
