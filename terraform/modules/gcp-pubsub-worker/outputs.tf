output "topic_id" {
  description = "Id (projects/<p>/topics/<t>) of the topic publishers send to."
  value       = google_pubsub_topic.topic.id
}

output "dlq_topic_id" {
  description = "Id of the dead-letter topic."
  value       = google_pubsub_topic.dlq.id
}

output "worker_subscription_id" {
  description = "Id of the push subscription that feeds the service."
  value       = google_pubsub_subscription.worker.id
}

output "dlq_subscription_id" {
  description = "Id of the subscription that keeps the dead letters."
  value       = google_pubsub_subscription.dlq.id
}

output "queue_uri" {
  description = "The queue as a Sluice URI, for publishers (Publisher.open(uri))."
  value       = local.queue_uri
}

output "dlq_uri" {
  description = "The DLQ as a Sluice URI."
  value       = local.dlq_uri
}

output "service_uri" {
  description = "URL of the Cloud Run service."
  value       = google_cloud_run_v2_service.worker.uri
}

output "runtime_service_account" {
  description = "E-mail of the account the worker runs as, to grant what the handler itself calls (for example roles/pubsub.publisher on a follow-up topic)."
  value       = google_service_account.runtime.email
}

output "push_service_account" {
  description = "E-mail of the account Pub/Sub signs push requests as."
  value       = google_service_account.push.email
}

output "sluice_environment" {
  description = "The SLUICE_* variables set on the service: the same values configure a local poller (the standalone host)."
  value       = local.sluice_env
}

output "scheduler_job_ids" {
  description = "Ids of the Cloud Scheduler jobs, by schedule name."
  value       = { for k, j in google_cloud_scheduler_job.job : k => j.id }
}

output "alert_policy_id" {
  description = "Id of the DLQ backlog alert policy."
  value       = google_monitoring_alert_policy.dlq_backlog.id
}

output "alert_policy_ids" {
  description = "Ids of the alert policies: DLQ backlog, oldest unacked message age, push errors."
  value = {
    dlq_backlog        = google_monitoring_alert_policy.dlq_backlog.id
    oldest_unacked_age = google_monitoring_alert_policy.oldest_unacked_age.id
    push_errors        = google_monitoring_alert_policy.push_errors.id
  }
}

output "dashboard_id" {
  description = "Id of the Cloud Monitoring dashboard (subscriptions, DLQ and service)."
  value       = google_monitoring_dashboard.worker.id
}
