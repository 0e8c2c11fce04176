import path from "node:path";
import type { Page } from "@playwright/test";

/** Screenshots kept by every test run, under e2e/screenshots/, one per page a journey visits. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join("e2e", "screenshots", `${name}.png`), fullPage: true });
}
