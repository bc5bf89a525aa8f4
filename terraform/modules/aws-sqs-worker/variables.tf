# Defaults marked "queue-defaults.properties" must equal
# api/src/main/resources/dev/sluice/queue-defaults.properties; terraform/test fails when they drift.

variable "name" {
  type        = string
  description = "Logical queue name (for example \"welcome-email\"). Names the queue, its DLQ, the function and the alarms; upper-cased (hyphens become underscores) it is the <NAME> in the SLUICE_QUEUE_<NAME>_* variables."

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]{0,58}$", var.name))
    error_message = "name must start with a letter and hold at most 59 letters, digits, hyphens or underscores (the DLQ name adds \"-dlq\" and \".fifo\" within SQS's 80 characters)."
  }
}

variable "fifo" {
  type        = bool
  description = "Create FIFO queues (the queue and its DLQ; the names get the .fifo suffix). FIFO gives per-group ordering; a failure blocks its group until the retry."
  default     = false
}

variable "content_based_deduplication" {
  type        = bool
  description = "FIFO only: deduplicate on a SHA-256 of the body when a sender gives no deduplication id. Required when schedules target a FIFO queue."
  default     = false

  validation {
    condition     = !var.content_based_deduplication || var.fifo
    error_message = "content_based_deduplication is a FIFO feature: set fifo = true or leave it false."
  }
}

variable "max_delivery_attempts" {
  type        = number
  description = "Attempts before the runtime dead-letters a message with its reason (the runtime's maxDeliveryAttempts, queue-defaults.properties: maxDeliveryAttempts). The redrive policy's maxReceiveCount, the backstop, is this number on a standard queue and 10 times it on a FIFO queue (give-backs of later messages of a group are receives but not attempts)."
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 1 && var.max_delivery_attempts <= (var.fifo ? 100 : 1000) && floor(var.max_delivery_attempts) == var.max_delivery_attempts
    error_message = "max_delivery_attempts must be a whole number from 1 to 1000 on a standard queue and 1 to 100 on a FIFO queue (SQS maxReceiveCount, at most 1000, is 10 times it on FIFO)."
  }
}

variable "visibility_timeout_seconds" {
  type        = number
  description = "The queue's visibility timeout, Sluice's lease (queue-defaults.properties: leaseSeconds). Must be at least 6 times the function timeout."
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 1 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be between 1 and 43200 (12 hours)."
  }
}

variable "message_retention_seconds" {
  type        = number
  description = "How long the queue keeps a message (60..1209600 s). The DLQ keeps its messages longer."
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "dlq_message_retention_seconds" {
  type        = number
  description = "How long the DLQ keeps a dead letter; must exceed message_retention_seconds so a dead letter outlives the traffic that caused it."
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds <= 1209600 && var.dlq_message_retention_seconds > var.message_retention_seconds
    error_message = "dlq_message_retention_seconds must be longer than message_retention_seconds and at most 1209600 (14 days)."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of a customer-managed KMS key for SSE-KMS on both queues. Null (the default) uses SQS-managed encryption (SSE-SQS)."
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (the IAM grants need the ARN, not an alias)."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  type        = number
  description = "With kms_key_arn: how long SQS reuses a data key before calling KMS again (60..86400 s)."
  default     = 300

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "kms_data_key_reuse_period_seconds must be between 60 and 86400."
  }
}

variable "retry_strategy" {
  type        = string
  description = "Backoff after a failed attempt, applied by the runtime with ChangeMessageVisibility: exponential, fixed or none."
  default     = "exponential"

  validation {
    condition     = contains(["exponential", "fixed", "none"], var.retry_strategy)
    error_message = "retry_strategy must be exponential, fixed or none."
  }
}

variable "retry_initial_delay_seconds" {
  type        = number
  description = "First backoff delay in seconds (queue-defaults.properties: retry.initialDelaySeconds)."
  default     = 1

  validation {
    condition     = var.retry_initial_delay_seconds >= 0 && var.retry_initial_delay_seconds <= var.retry_max_delay_seconds
    error_message = "retry_initial_delay_seconds must be between 0 and retry_max_delay_seconds."
  }
}

variable "retry_max_delay_seconds" {
  type        = number
  description = "Largest backoff delay in seconds (queue-defaults.properties: retry.maxDelaySeconds); at most 43200, the longest visibility timeout SQS allows."
  default     = 600

  validation {
    condition     = var.retry_max_delay_seconds >= 0 && var.retry_max_delay_seconds <= 43200
    error_message = "retry_max_delay_seconds must be between 0 and 43200."
  }
}

variable "retry_multiplier" {
  type        = number
  description = "Factor between successive exponential delays (queue-defaults.properties: retry.multiplier)."
  default     = 2.0

  validation {
    condition     = var.retry_multiplier >= 1
    error_message = "retry_multiplier must be at least 1."
  }
}

variable "concurrency" {
  type        = number
  description = "Messages of one batch the runtime handles in parallel inside one invocation (queue-defaults.properties: concurrency). FIFO batches are processed in order regardless."
  default     = 8

  validation {
    condition     = var.concurrency >= 1
    error_message = "concurrency must be at least 1."
  }
}

variable "lambda_jar_path" {
  type        = string
  description = "Path of the deployment jar (the handler's code, the Sluice runtime and the SQS driver), for example samples/target/sluice-samples-lambda.jar."
}

variable "sluice_modules" {
  type        = list(string)
  description = "Fully qualified Guice module classes that bind the handlers; joined with commas into SLUICE_MODULES."

  validation {
    condition     = length(var.sluice_modules) > 0
    error_message = "sluice_modules must name at least one Guice module."
  }
}

variable "handler" {
  type        = string
  description = "Lambda handler: the Sluice runtime's SQS entry point."
  default     = "dev.sluice.runtime.lambda.SqsLambdaHandler::handleRequest"
}

variable "runtime" {
  type        = string
  description = "Lambda runtime identifier."
  default     = "java21"
}

variable "memory_size" {
  type        = number
  description = "Function memory in MB (also scales its CPU)."
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "function_timeout_seconds" {
  type        = number
  description = "Function timeout in seconds. Null takes the longest that fits: floor(visibility_timeout_seconds / 6)."
  default     = null

  validation {
    condition     = var.function_timeout_seconds == null ? true : (var.function_timeout_seconds >= 1 && var.function_timeout_seconds <= 900 && var.visibility_timeout_seconds >= var.function_timeout_seconds)
    error_message = "function_timeout_seconds must be 1..900 and no longer than the visibility timeout (a message must not come back while the function still runs on it)."
  }
}

variable "environment" {
  type        = map(string)
  description = "Extra environment variables for the function. The SLUICE_* variables this module sets take precedence."
  default     = {}
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's CloudWatch log group, in days."
  default     = 30
}

variable "batch_size" {
  type        = number
  description = "Messages per invocation. At most 10 on FIFO queues; above 10 on standard queues needs a batching window of at least 1 s."
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= (var.fifo ? 10 : 10000)
    error_message = "batch_size must be 1..10 on a FIFO queue and 1..10000 on a standard queue."
  }
}

variable "maximum_batching_window_seconds" {
  type        = number
  description = "Standard queues only: seconds Lambda gathers messages before invoking (0..300). Must be 0 on FIFO."
  default     = 0

  validation {
    condition     = var.maximum_batching_window_seconds >= 0 && var.maximum_batching_window_seconds <= 300 && (var.fifo ? var.maximum_batching_window_seconds == 0 : true)
    error_message = "maximum_batching_window_seconds must be 0..300, and 0 on a FIFO queue (Lambda offers batching windows on standard queues only)."
  }

  validation {
    condition     = var.batch_size <= 10 || var.maximum_batching_window_seconds >= 1
    error_message = "A batch_size above 10 needs maximum_batching_window_seconds of at least 1."
  }
}

variable "maximum_concurrency" {
  type        = number
  description = "Most concurrent invocations the SQS event source starts (2..1000); null leaves it to the account's concurrency."
  default     = null

  validation {
    condition     = var.maximum_concurrency == null ? true : (var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000)
    error_message = "maximum_concurrency must be between 2 and 1000."
  }
}

variable "alarm_actions" {
  type        = list(string)
  description = "ARNs (for example SNS topics) notified when an alarm fires or recovers."
  default     = []
}

variable "dlq_depth_threshold" {
  type        = number
  description = "The DLQ alarm fires when the DLQ holds more than this many visible messages."
  default     = 0
}

variable "oldest_message_age_threshold_seconds" {
  type        = number
  description = "The age alarm fires when the queue's oldest message is older than this."
  default     = 900
}

variable "lambda_errors_threshold" {
  type        = number
  description = "The errors alarm fires when the function has more than this many failed invocations in 5 minutes (a handler's failure is a retry reported in the batch response, not an invocation error)."
  default     = 0
}

variable "lambda_throttles_threshold" {
  type        = number
  description = "The throttles alarm fires when more than this many invocations are throttled in 5 minutes."
  default     = 0
}

variable "schedules" {
  type = list(object({
    name             = string
    cron             = string
    type             = string
    data             = optional(string, "{}")
    source           = optional(string)
    timezone         = optional(string, "UTC")
    message_group_id = optional(string)
  }))
  description = "Repeatable jobs: each becomes an EventBridge Scheduler schedule that sends a structured-mode CloudEvent to the queue. cron is EventBridge's six-field form without the cron() wrapper (\"0 9 * * ? *\"), or a full cron(...)/rate(...) expression; type is the CloudEvent type; data is a JSON document (use jsonencode); source defaults to the schedule's ARN; message_group_id (FIFO) defaults to the schedule name."
  default     = []

  validation {
    condition     = alltrue([for s in var.schedules : can(jsondecode(s.data))])
    error_message = "Each schedule's data must be a JSON document (use jsonencode)."
  }

  validation {
    condition     = alltrue([for s in var.schedules : can(regex("^(cron|rate|at)\\(.*\\)$", s.cron)) || length(split(" ", trimspace(s.cron))) == 6])
    error_message = "Each schedule's cron must have EventBridge's six fields (minutes hours day-of-month month day-of-week year), or be a full cron(), rate() or at() expression."
  }

  validation {
    condition     = length(var.schedules) == 0 || !var.fifo || var.content_based_deduplication
    error_message = "Schedules that target a FIFO queue need content_based_deduplication = true (EventBridge Scheduler sends no deduplication id)."
  }

  validation {
    condition     = length(distinct([for s in var.schedules : s.name])) == length(var.schedules)
    error_message = "Schedule names must be unique."
  }
}

variable "emits_to" {
  type        = list(string)
  description = "ARNs of the other SQS queues the handlers emit follow-up events to (delivery.emit publishes to the worker's own queue by default, which is always granted). The function's role may send to these and no others."
  default     = []

  validation {
    condition     = alltrue([for arn in var.emits_to : can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$", arn))])
    error_message = "Each emits_to entry must be the ARN of one SQS queue (arn:aws:sqs:<region>:<account>:<name>), without wildcards."
  }
}

variable "producer_role_names" {
  type        = list(string)
  description = "Names of IAM roles that publish jobs: each gets the producer policy (sqs:SendMessage and sqs:GetQueueUrl on the queue, and the KMS key with kms_key_arn). The policy's ARN is the producer_policy_arn output, for roles managed elsewhere."
  default     = []
}

variable "operator_role_names" {
  type        = list(string)
  description = "Names of IAM roles that redrive dead letters: each gets the operator policy (receive, delete and message move tasks on the DLQ, send on the queue). The policy's ARN is the operator_policy_arn output."
  default     = []
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource that takes them."
  default     = {}
}
