/**
 * Internal: the CloudEvents wire codec (binary and structured mode, attribute validation, the HTTP
 * binding's header values) that the engine, the drivers and the hosts share. Public only because Java has
 * no "friend" packages; not an API, may change in any release.
 */
package dev.sluice.codec;
