package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Await;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; Selenium is given
 * the driver's path, so it downloads nothing): a viewer sees reasons but no payload and cannot redrive; an operator
 * filters, redrives, and sees the DLQ count drop while the running worker handles the messages. A screenshot of each
 * page goes to {@code target/screenshots/}.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "screenshots");

    private Shop shop;
    private SluiceConsole console;
    private ChromeDriverService service;
    private WebDriver browser;
    private Path profile;
    private String base;

    @BeforeEach
    void start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("Chromium or its driver is missing (" + CHROMIUM + ", " + CHROMEDRIVER + "): run"
                    + " apt-get install chromium chromium-driver (.ci/run does it when absent)");
        }
        shop = new Shop();
        console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).host("127.0.0.1").port(0)
                .sampleInterval(Duration.ofSeconds(1)).outcomeTotals(MicrometerTotals.of(shop.metrics)).auth(ConsoleAuth.tokens(ConsoleHttpTest.VIEWER, ConsoleHttpTest.OPERATOR))
                .start();
        base = "http://127.0.0.1:" + console.port();
        profile = Files.createTempDirectory("sluice-chromium-");
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void stop() throws IOException {
        if (browser != null) browser.quit();
        if (service != null) service.stop();
        if (console != null) console.close();
        if (shop != null) shop.close();
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void aViewerReadsAnOperatorRedrivesAFilteredSetAndTheWorkerHandlesIt() throws Exception {
        shop.deadLetter(1, 0);

        // anonymous: the login page, nothing else
        browser.get(base + "/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Log in");
        shot("login");

        // the overview over a few samples (one a second here): dead letters arriving in steps, orders handled
        logIn(ConsoleHttpTest.VIEWER);
        awaitChart("orders dead letters", "1");
        shop.deadLetter(1, 1);
        awaitChart("orders dead letters", "3");
        shop.handle(4);
        shop.deadLetter(1, 1);
        awaitChart("orders dead letters", "5");
        browserWait("the last interval's rates", () -> {
            browser.navigate().refresh();
            return !List.of("0.0/min", "—").contains(browser.findElement(By.cssSelector("td.rate-failed")).getText());
        });
        assertThat(dlqCount()).isEqualTo("5");
        WebElement chart = browser.findElement(By.cssSelector("svg.spark[aria-label^='orders dead letters']"));
        assertThat(chart.getAttribute("aria-label")).matches("orders dead letters \\d → 5 over \\d+ s \\(lowest \\d, highest 5\\)");
        assertThat(chart.findElements(By.cssSelector("circle.spark-dot"))).hasSize(1);
        assertThat(chart.findElement(By.cssSelector("path.spark-line")).getSize().getWidth())
                .as("the line spans the chart, not a dot at its edge").isGreaterThan(Sparkline.WIDTH / 2);
        shot("overview");

        follow(browser.findElement(By.linkText("orders")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Queue orders");
        assertThat(browser.getPageSource()).contains("Max delivery attempts").contains("mem://orders-dlq");
        shot("queue");

        browser.get(base + "/queues/orders/dead-letters");
        assertThat(rows()).hasSize(5);
        assertThat(browser.findElements(By.id("redrive-matching"))).as("no redrive for viewers").isEmpty();
        follow(browser.findElements(By.cssSelector("tr.dead-letter a")).get(0));
        assertThat(browser.findElement(By.id("data-redacted")).getText()).contains("only operators");
        assertThat(browser.getPageSource()).doesNotContain("4111-secret");
        shot("message-viewer");

        // a viewer who posts a redrive anyway (a form made in the page, with the page's CSRF token) is refused
        ((JavascriptExecutor) browser).executeScript("""
                const f = document.createElement('form'); f.method = 'post';
                f.action = '/queues/orders/dead-letters/redrive';
                const c = document.querySelector('input[name=csrf]').cloneNode(); f.appendChild(c);
                const s = document.createElement('input'); s.name = 'scope'; s.value = 'matching'; f.appendChild(s);
                document.body.appendChild(f); f.submit();""");
        browserWait("the refusal", () -> browser.findElement(By.tagName("h1")).getText().equals("Forbidden"));
        assertThat(browser.getPageSource()).contains("only operators may redrive");
        shot("viewer-refused");
        assertThat(shop.dlqDepth()).isEqualTo(5);

        follow(browser.findElement(By.cssSelector("header form button")));
        logIn(ConsoleHttpTest.OPERATOR);

        // the operator filters to the failed orders, and redrives them once payments are back
        browser.get(base + "/queues/orders/dead-letters");
        browser.findElement(By.id("f-type")).sendKeys(Shop.PLACED);
        browser.findElement(By.id("f-reason")).sendKeys("refused");
        follow(browser.findElement(By.id("filter")));
        assertThat(rows()).hasSize(3);
        shot("dead-letters");

        follow(browser.findElements(By.cssSelector("tr.dead-letter a")).get(0));
        follow(browser.findElement(By.id("show-data")));
        assertThat(browser.findElement(By.id("data")).getText()).contains("4111-secret");
        shot("message-data");
        browser.get(base + "/queues/orders/dead-letters?type=" + Shop.PLACED + "&reason=refused");

        shop.paymentsDown.set(false);
        follow(browser.findElement(By.id("redrive-matching")));
        assertThat(browser.findElement(By.id("result")).getText()).startsWith("3 moved back");
        shot("redriven");
        Await.until("the worker handled the redriven orders", () -> shop.handled.size() == 4 + 3);

        browser.get(base + "/");
        assertThat(dlqCount()).isEqualTo("2");

        // purge asks first
        browser.get(base + "/queues/orders/dead-letters");
        follow(browser.findElement(By.id("purge")));
        assertThat(browser.findElement(By.id("purge-confirm")).isDisplayed()).isTrue();
        shot("purge-confirm");
        assertThat(shop.dlqDepth()).isEqualTo(2);

        // at phone width nothing overflows sideways
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("dead-letters", "overview")) {
            browser.get(base + (page.equals("overview") ? "/" : "/queues/orders/dead-letters"));
            Long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as(page).isLessThanOrEqualTo(0L);
            shot(page + "-phone");
        }
    }

    /** Refreshes the overview until the chart of {@code what} ends at {@code last}. */
    private void awaitChart(String what, String last) {
        browserWait(what + " at " + last, () -> {
            browser.navigate().refresh();
            return browser.findElements(By.cssSelector("svg.spark[aria-label^='" + what + " ']")).stream()
                    .anyMatch(e -> e.getAttribute("aria-label").matches(".* → " + last + " over .*"));
        });
    }

    private void logIn(String token) {
        browser.get(base + "/login");
        browser.findElement(By.id("token")).sendKeys(token);
        follow(browser.findElement(By.id("login")));
        try {
            browserWait("logged in", () -> browser.findElement(By.tagName("h1")).getText().equals("Queues"));
        } catch (org.openqa.selenium.TimeoutException e) {
            try {
                shot("failed-login");
            } catch (IOException io) {
                e.addSuppressed(io);
            }
            throw new AssertionError("not logged in; the page at " + browser.getCurrentUrl() + " says: "
                    + browser.findElement(By.tagName("main")).getText(), e);
        }
    }

    /**
     * Clicks what leads to another page (a link, a form's button) and waits until the browser has left this one: a
     * click returns when it is dispatched, and the next lookup would otherwise read the old page (or none yet).
     */
    private void follow(WebElement target) {
        WebElement page = browser.findElement(By.tagName("html"));
        target.click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.stalenessOf(page));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /**
     * Waits until {@code condition} holds on the page, reading again when the page changed under a read (an element
     * gone stale, or not there yet).
     */
    private void browserWait(String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(what)
                .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .until(d -> condition.getAsBoolean());
    }

    private String dlqCount() {
        return browser.findElement(By.cssSelector("a.dlq-count")).getText();
    }

    private List<WebElement> rows() {
        return browser.findElements(By.cssSelector("tr.dead-letter"));
    }

    private void shot(String page) throws IOException {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve("console-" + page + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
