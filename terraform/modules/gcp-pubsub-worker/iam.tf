# The identity Pub/Sub signs push requests as. It may invoke this service and nothing else.
resource "google_service_account" "push" {
  project      = var.project_id
  account_id   = "${var.name}-push"
  display_name = "Pub/Sub push to ${var.name}"
}

# The identity the worker runs as, instead of the project's default compute account (which usually
# holds Editor). Its grants: publishing dead letters and follow-up events, reading its own topics and
# subscriptions (the start-up check).
resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "${var.name}-run"
  display_name = "Sluice worker ${var.name}"
}

# Dead-lettering is done by the Pub/Sub service agent: it must publish to the DLQ topic...
resource "google_pubsub_topic_iam_member" "dlq_publisher_pubsub_agent" {
  project = var.project_id
  topic   = google_pubsub_topic.dlq.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

# ...and acknowledge (subscribe to) the worker subscription it forwards from.
resource "google_pubsub_subscription_iam_member" "worker_subscriber_pubsub_agent" {
  project      = var.project_id
  subscription = google_pubsub_subscription.worker.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# The Pub/Sub service agent mints the push OIDC tokens for the push service account.
resource "google_service_account_iam_member" "push_token_creator_pubsub_agent" {
  count              = var.grant_token_creator_to_pubsub_agent ? 1 : 0
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

resource "google_cloud_run_v2_service_iam_member" "push_invoker" {
  project  = var.project_id
  location = google_cloud_run_v2_service.worker.location
  name     = google_cloud_run_v2_service.worker.name
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}

# The runtime dead-letters permanent failures and undecodable messages itself, at once.
resource "google_pubsub_topic_iam_member" "dlq_publisher_runtime" {
  project = var.project_id
  topic   = google_pubsub_topic.dlq.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.runtime.member
}

# Follow-up events: delivery.emit publishes to the worker's own topic by default...
resource "google_pubsub_topic_iam_member" "publisher_runtime" {
  project = var.project_id
  topic   = google_pubsub_topic.topic.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.runtime.member
}

# ...and to the topics the application names in var.emits_to, and no others.
resource "google_pubsub_topic_iam_member" "emits_to_runtime" {
  for_each = toset(var.emits_to)
  project  = var.project_id
  topic    = each.value
  role     = "roles/pubsub.publisher"
  member   = google_service_account.runtime.member
}

# The runtime starts with SLUICE_QUEUE_<NAME>_PROVISIONING=verify: it reads the topics and subscriptions
# this module made (get only) and refuses to start when they contradict its configuration.
resource "google_pubsub_topic_iam_member" "topic_viewer_runtime" {
  project = var.project_id
  topic   = google_pubsub_topic.topic.name
  role    = "roles/pubsub.viewer"
  member  = google_service_account.runtime.member
}

resource "google_pubsub_topic_iam_member" "dlq_viewer_runtime" {
  project = var.project_id
  topic   = google_pubsub_topic.dlq.name
  role    = "roles/pubsub.viewer"
  member  = google_service_account.runtime.member
}

resource "google_pubsub_subscription_iam_member" "worker_viewer_runtime" {
  project      = var.project_id
  subscription = google_pubsub_subscription.worker.name
  role         = "roles/pubsub.viewer"
  member       = google_service_account.runtime.member
}

resource "google_pubsub_subscription_iam_member" "dlq_subscription_viewer_runtime" {
  project      = var.project_id
  subscription = google_pubsub_subscription.dlq.name
  role         = "roles/pubsub.viewer"
  member       = google_service_account.runtime.member
}

# CMEK: the Pub/Sub service agent encrypts and decrypts the topics' messages with the key, and may use
# that key only.
resource "google_kms_crypto_key_iam_member" "pubsub_agent" {
  count         = var.kms_key_name == null ? 0 : 1
  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = local.pubsub_service_agent
}

# Producers publish to the topic, and only to it.
resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = toset(var.publisher_members)
  project  = var.project_id
  topic    = google_pubsub_topic.topic.name
  role     = "roles/pubsub.publisher"
  member   = each.value
}

# Operators redrive: pull and ack the dead letters on the DLQ subscription, republish them to the topic.
resource "google_pubsub_subscription_iam_member" "operator_dlq_subscriber" {
  for_each     = toset(var.operator_members)
  project      = var.project_id
  subscription = google_pubsub_subscription.dlq.name
  role         = "roles/pubsub.subscriber"
  member       = each.value
}

resource "google_pubsub_topic_iam_member" "operator_publisher" {
  for_each = toset(var.operator_members)
  project  = var.project_id
  topic    = google_pubsub_topic.topic.name
  role     = "roles/pubsub.publisher"
  member   = each.value
}
