/**
 * Internal: engine parts shared across Sluice's own packages. Public only because Java has no "friend"
 * packages; not an API, may change in any release.
 */
package dev.sluice.internal;
