package dev.gatehouse.support;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One headless Debian Chromium for the whole test run, driven by Playwright (which never downloads a
 * browser here). Each test gets a fresh context (cookies, storage) from {@link #newContext()}.
 * Screenshots go to {@code target/screenshots/}.
 */
public final class Chromium {

    public static final Path EXECUTABLE = Path.of(System.getenv().getOrDefault("GATEHOUSE_TEST_CHROMIUM", "/usr/bin/chromium"));
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static Playwright playwright;
    private static Browser browser;

    private Chromium() {
    }

    public static synchronized BrowserContext newContext() {
        if (browser == null) {
            if (!Files.isExecutable(EXECUTABLE)) {
                throw new IllegalStateException("Browser tests need Chromium at " + EXECUTABLE
                        + " (Debian: apt-get install chromium; .ci/run installs it).");
            }
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(EXECUTABLE).setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", "--disable-quic")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                browser.close();
                playwright.close();
            }));
        }
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 860));
    }

    /** Saves a full-page screenshot as {@code target/screenshots/<name>.png}. */
    public static void screenshot(Page page, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
