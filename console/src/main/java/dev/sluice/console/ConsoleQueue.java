package dev.sluice.console;

import dev.sluice.QueueSpec;

/** A queue the console shows: its name in URLs and tables, and its spec. */
record ConsoleQueue(String name, QueueSpec spec) {
    ConsoleQueue {
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new dev.sluice.ConfigurationException("console queue name '" + name
                    + "': use 1 to 100 letters, digits, '.', '_' or '-'");
        }
    }
}
