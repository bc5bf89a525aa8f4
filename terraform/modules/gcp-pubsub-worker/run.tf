resource "google_cloud_run_v2_service" "worker" {
  project             = var.project_id
  name                = var.name
  location            = var.region
  ingress             = var.ingress
  custom_audiences    = [local.push_audience]
  deletion_protection = var.deletion_protection
  labels              = var.labels

  template {
    service_account                  = google_service_account.runtime.email
    timeout                          = "${var.ack_deadline_seconds}s"
    max_instance_request_concurrency = var.concurrency

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    containers {
      image = var.image

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
      }

      dynamic "env" {
        for_each = merge(var.environment, local.sluice_env)
        content {
          name  = env.key
          value = env.value
        }
      }
    }
  }
}
