package dev.sluice.runtime.testapp;

import dev.sluice.runtime.config.RuntimeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Configurations for tests, from variables only. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** One queue {@code orders} at {@code uri}, the test application, 3 attempts, fixed 1s retry. */
    public static Map<String, String> env(String uri) {
        Map<String, String> env = new HashMap<>();
        env.put("SLUICE_MODULES", TestAppModule.class.getName());
        env.put("SLUICE_QUEUE_ORDERS_URI", uri);
        env.put("SLUICE_QUEUE_ORDERS_MAX_DELIVERY_ATTEMPTS", "3");
        env.put("SLUICE_QUEUE_ORDERS_RETRY", "fixed");
        env.put("SLUICE_QUEUE_ORDERS_RETRY_INITIAL_DELAY", "1s");
        return env;
    }

    public static RuntimeConfig config(Map<String, String> env) {
        return RuntimeConfig.load(env, new Properties());
    }
}
