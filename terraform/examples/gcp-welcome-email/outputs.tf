output "topic_id" {
  description = "Publish welcome-e-mail jobs here (or use queue_uri with a Sluice Publisher)."
  value       = module.welcome_email.topic_id
}

output "queue_uri" {
  description = "The queue as a Sluice URI."
  value       = module.welcome_email.queue_uri
}

output "dlq_subscription_id" {
  description = "Where jobs land after 5 failed attempts."
  value       = module.welcome_email.dlq_subscription_id
}

output "service_uri" {
  description = "The worker service."
  value       = module.welcome_email.service_uri
}
