output "queue_url" {
  description = "Send welcome-e-mail jobs here (or use queue_uri with a Sluice Publisher)."
  value       = module.welcome_email.queue_url
}

output "queue_uri" {
  description = "The queue as a Sluice URI."
  value       = module.welcome_email.queue_uri
}

output "dlq_url" {
  description = "Where jobs land after 3 failed attempts."
  value       = module.welcome_email.dlq_url
}

output "function_name" {
  description = "The worker function."
  value       = module.welcome_email.function_name
}
