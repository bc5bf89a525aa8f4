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

resource "google_monitoring_alert_policy" "oldest_unacked_age" {
  project               = var.project_id
  display_name          = "${var.name}: oldest message waiting too long"
  combiner              = "OR"
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "${google_pubsub_subscription.worker.name}: oldest unacked message older than ${var.oldest_unacked_age_threshold_seconds} s"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.worker.name}\" AND metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.oldest_unacked_age_threshold_seconds
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = "A message on ${google_pubsub_subscription.worker.name} has waited longer than ${var.oldest_unacked_age_threshold_seconds} s: the service is failing, retrying or cannot keep up (see the push errors alert and the dashboard)."
    mime_type = "text/markdown"
  }

  user_labels = var.labels
}

# Push responses other than an ack: the service answered 4xx/5xx, timed out or could not be reached.
# A retry answers with an error on purpose, so the threshold is a number per 5 minutes, not zero.
resource "google_monitoring_alert_policy" "push_errors" {
  project               = var.project_id
  display_name          = "${var.name}: push requests failing"
  combiner              = "OR"
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "${google_pubsub_subscription.worker.name}: more than ${var.push_errors_threshold} failed pushes in 5 minutes"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.worker.name}\" AND metric.type = \"pubsub.googleapis.com/subscription/push_request_count\" AND metric.labels.response_class != \"ack\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.push_errors_threshold
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    content   = "Pushes from ${google_pubsub_subscription.worker.name} to ${google_cloud_run_v2_service.worker.name} are failing (4xx/5xx, timeouts, unreachable). A 401/403 means the push token or the invoker grant is wrong; 5xx means handlers fail or the service does not start."
    mime_type = "text/markdown"
  }

  user_labels = var.labels
}

locals {
  dashboard_subscription = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.worker.name}\""
  dashboard_dlq          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.dlq.name}\""
  dashboard_service      = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${google_cloud_run_v2_service.worker.name}\""

  # Each tile: a title and its time series (filter, aligner, optional reducer and group-by).
  dashboard_tiles = [
    { title = "${google_pubsub_subscription.worker.name}: undelivered messages", filter = "${local.dashboard_subscription} AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\"", aligner = "ALIGN_MAX", reducer = null, group_by = [] },
    { title = "${google_pubsub_subscription.worker.name}: oldest unacked message age (s)", filter = "${local.dashboard_subscription} AND metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\"", aligner = "ALIGN_MAX", reducer = null, group_by = [] },
    { title = "${google_pubsub_subscription.worker.name}: push requests by response class", filter = "${local.dashboard_subscription} AND metric.type = \"pubsub.googleapis.com/subscription/push_request_count\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM", group_by = ["metric.label.response_class"] },
    { title = "${google_pubsub_subscription.worker.name}: dead-lettered messages", filter = "${local.dashboard_subscription} AND metric.type = \"pubsub.googleapis.com/subscription/dead_letter_message_count\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM", group_by = [] },
    { title = "${google_pubsub_subscription.dlq.name}: dead letters waiting", filter = "${local.dashboard_dlq} AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\"", aligner = "ALIGN_MAX", reducer = null, group_by = [] },
    { title = "${google_cloud_run_v2_service.worker.name}: requests by response class", filter = "${local.dashboard_service} AND metric.type = \"run.googleapis.com/request_count\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM", group_by = ["metric.label.response_code_class"] },
    { title = "${google_cloud_run_v2_service.worker.name}: request latency p99 (ms)", filter = "${local.dashboard_service} AND metric.type = \"run.googleapis.com/request_latencies\"", aligner = "ALIGN_PERCENTILE_99", reducer = "REDUCE_MAX", group_by = [] },
    { title = "${google_cloud_run_v2_service.worker.name}: instances", filter = "${local.dashboard_service} AND metric.type = \"run.googleapis.com/container/instance_count\"", aligner = "ALIGN_MAX", reducer = "REDUCE_SUM", group_by = ["metric.label.state"] },
  ]
}

resource "google_monitoring_dashboard" "worker" {
  project = var.project_id

  dashboard_json = jsonencode({
    displayName = "Sluice ${var.name}"
    gridLayout = {
      columns = 2
      widgets = [
        for t in local.dashboard_tiles : {
          title = t.title
          xyChart = {
            dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = t.filter
                  aggregation = merge(
                    { alignmentPeriod = "60s", perSeriesAligner = t.aligner },
                    t.reducer == null ? {} : { crossSeriesReducer = t.reducer, groupByFields = t.group_by },
                  )
                }
              }
            }]
          }
        }
      ]
    }
  })
}
