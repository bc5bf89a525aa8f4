/**
 * Public (for Sluice's hosts and the console): OIDC ID token verification against a JWKS, shared by the Cloud Run
 * host's push authentication and the console's OIDC mode.
 */
package dev.sluice.runtime.oidc;
