locals {
  schedules = { for s in var.schedules : s.name => s }

  # What each Cloud Scheduler job publishes. Cloud Scheduler cannot give each run its own CloudEvent
  # id, so the job publishes a plain message and Sluice's codec wraps it as a foreign message:
  # id = the Pub/Sub message id (new on every run), source = the queue URI, type = the sluice-type
  # attribute, data = the payload (content-type application/json).
  # terraform/test renders these messages into fixtures that the Java codec test decodes.
  schedule_messages = {
    for s in var.schedules : s.name => {
      data = base64encode(jsonencode(jsondecode(s.data)))
      attributes = {
        "content-type" = "application/json"
        "sluice-type"  = s.type
      }
    }
  }
}

resource "google_cloud_scheduler_job" "job" {
  for_each = local.schedules

  project     = var.project_id
  region      = var.region
  name        = "${var.name}-${each.key}"
  description = "Publishes a ${each.value.type} job to ${google_pubsub_topic.topic.name}"
  schedule    = each.value.cron
  time_zone   = each.value.timezone

  pubsub_target {
    topic_name = google_pubsub_topic.topic.id
    data       = local.schedule_messages[each.key].data
    attributes = local.schedule_messages[each.key].attributes
  }
}
