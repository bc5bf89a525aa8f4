package dev.sluice.samples.importer;

/** One imported customer. */
public record Customer(String id, String name, String email, String country, int credit) {
}
