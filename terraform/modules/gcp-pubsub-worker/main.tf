data "google_project" "this" {
  project_id = var.project_id
}

locals {
  # <NAME> in SLUICE_QUEUE_<NAME>_*.
  env_key = upper(replace(var.name, "-", "_"))

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  push_audience = coalesce(var.push_audience, "sluice/${var.project_id}/${var.region}/${var.name}")

  # The worker subscription's name is spelled out: referring to the resource would make a cycle
  # (subscription -> service URL -> service environment -> subscription).
  queue_uri = "pubsub://projects/${var.project_id}/topics/${google_pubsub_topic.topic.name}?subscription=${var.name}-worker"
  dlq_uri   = "pubsub://projects/${var.project_id}/topics/${google_pubsub_topic.dlq.name}?subscription=${google_pubsub_subscription.dlq.name}"

  # The configuration the Sluice runtime reads at start-up (sluice-runtime-core's bootstrap, Cloud Run host).
  # Terraform owns the topics and subscriptions: PROVISIONING=verify makes the runtime only check them
  # at start-up (it may read them: see iam.tf).
  sluice_env = {
    "SLUICE_MODULES"                                      = join(",", var.sluice_modules)
    "SLUICE_QUEUE_${local.env_key}_URI"                   = local.queue_uri
    "SLUICE_QUEUE_${local.env_key}_DLQ"                   = local.dlq_uri
    "SLUICE_QUEUE_${local.env_key}_MAX_DELIVERY_ATTEMPTS" = tostring(var.max_delivery_attempts)
    "SLUICE_QUEUE_${local.env_key}_RETRY"                 = var.retry_strategy
    "SLUICE_QUEUE_${local.env_key}_RETRY_INITIAL_DELAY"   = "${var.retry_initial_delay_seconds}s"
    "SLUICE_QUEUE_${local.env_key}_RETRY_MAX_DELAY"       = "${var.retry_max_delay_seconds}s"
    "SLUICE_QUEUE_${local.env_key}_RETRY_MULTIPLIER"      = tostring(var.retry_multiplier)
    "SLUICE_QUEUE_${local.env_key}_LEASE"                 = "${var.ack_deadline_seconds}s"
    "SLUICE_QUEUE_${local.env_key}_CONCURRENCY"           = tostring(var.concurrency)
    "SLUICE_QUEUE_${local.env_key}_PROVISIONING"          = "verify"
    "SLUICE_PUSH_AUDIENCE"                                = local.push_audience
    "SLUICE_PUSH_SERVICE_ACCOUNT"                         = google_service_account.push.email
  }

  # Pub/Sub push backs off by the subscription's retry policy; "none" means no policy (redeliver at once).
  retry_policy = {
    exponential = [{ min = "${var.retry_initial_delay_seconds}s", max = "${var.retry_max_delay_seconds}s" }]
    fixed       = [{ min = "${var.retry_initial_delay_seconds}s", max = "${var.retry_initial_delay_seconds}s" }]
    none        = []
  }
}

resource "google_pubsub_topic" "topic" {
  project      = var.project_id
  name         = var.name
  kms_key_name = var.kms_key_name
  labels       = var.labels

  # With CMEK, Pub/Sub can use the key only once its service agent may.
  depends_on = [google_kms_crypto_key_iam_member.pubsub_agent]
}

resource "google_pubsub_topic" "dlq" {
  project      = var.project_id
  name         = "${var.name}-dlq"
  kms_key_name = var.kms_key_name
  labels       = var.labels

  depends_on = [google_kms_crypto_key_iam_member.pubsub_agent]
}

# Keeps the dead letters: a topic without a subscription drops what is published to it.
resource "google_pubsub_subscription" "dlq" {
  project                    = var.project_id
  name                       = "${var.name}-dlq"
  topic                      = google_pubsub_topic.dlq.id
  ack_deadline_seconds       = 60
  message_retention_duration = "${var.dlq_message_retention_seconds}s"
  retain_acked_messages      = false
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "worker" {
  project                    = var.project_id
  name                       = "${var.name}-worker"
  topic                      = google_pubsub_topic.topic.id
  ack_deadline_seconds       = var.ack_deadline_seconds
  message_retention_duration = "${var.message_retention_seconds}s"
  enable_message_ordering    = var.enable_message_ordering
  labels                     = var.labels

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dlq.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  dynamic "retry_policy" {
    for_each = local.retry_policy[var.retry_strategy]
    content {
      minimum_backoff = retry_policy.value.min
      maximum_backoff = retry_policy.value.max
    }
  }

  push_config {
    push_endpoint = "${google_cloud_run_v2_service.worker.uri}${var.push_path}"

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = local.push_audience
    }
  }

  expiration_policy {
    ttl = ""
  }

  # Dead-lettering works from the first failure only once the service agent may publish to the DLQ.
  depends_on = [google_pubsub_topic_iam_member.dlq_publisher_pubsub_agent]
}
