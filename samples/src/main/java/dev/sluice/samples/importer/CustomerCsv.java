package dev.sluice.samples.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the sample's input: a CSV of customers, {@code id,name,email,country,credit}, with a few bad rows
 * among them (about 1.6 %: an address without {@code @}, an empty country, a credit that is not a number),
 * the same for the same {@link Random} seed.
 */
public final class CustomerCsv {
    public static final String HEADER = "id,name,email,country,credit";
    private static final String[] NAMES = {"Ada", "Alan", "Barbara", "Donald", "Edsger", "Frances", "Grace", "John",
        "Katherine", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Sophie", "Tim"};
    private static final String[] COUNTRIES = {"GB", "IE", "FR", "DE", "NL", "ES", "PT", "SE"};

    private CustomerCsv() {
    }

    /** The header and {@code rows} rows. */
    public static List<String> generate(int rows, Random random) {
        List<String> lines = new ArrayList<>(rows + 1);
        lines.add(HEADER);
        for (int i = 1; i <= rows; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            String email = name.toLowerCase() + "." + i + "@example.com";
            String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
            String credit = String.valueOf(random.nextInt(5000));
            int flaw = random.nextInt(1000);
            if (flaw < 8) email = email.replace("@", " at ");
            else if (flaw < 13) country = "";
            else if (flaw < 16) credit = "n/a";
            lines.add(String.format("C%05d,%s,%s,%s,%s", i, name, email, country, credit));
        }
        return lines;
    }

    /** Writes {@code lines} to {@code file}. */
    public static Path write(Path file, List<String> lines) throws IOException {
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
