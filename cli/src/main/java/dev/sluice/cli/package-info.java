/**
 * Internal: the {@code sluice} command line. Its only public type is {@link dev.sluice.cli.SluiceCli}, the
 * executable jar's main class; the commands, their options and their output are the interface, documented by
 * {@code sluice help} and the README.
 */
package dev.sluice.cli;
