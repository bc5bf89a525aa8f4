/** Public API: the built-in interceptors (lifecycle logging, idempotency) that wrap a handler call. */
package dev.sluice.interceptor;
