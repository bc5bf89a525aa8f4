resource "google_monitoring_alert_policy" "dlq_backlog" {
  project               = var.project_id
  display_name          = "${var.name}: dead letters waiting"
  combiner              = "OR"
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "${google_pubsub_subscription.dlq.name} has undelivered messages"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.dlq.name}\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.dlq_backlog_threshold
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = "Messages reached ${google_pubsub_subscription.dlq.name} after ${var.max_delivery_attempts} delivery attempts or a permanent failure. Inspect them, fix the cause, then republish to ${google_pubsub_topic.topic.name}."
    mime_type = "text/markdown"
  }

  user_labels = var.labels
}
