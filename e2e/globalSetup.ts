/**
 * Logs the browser in once for the whole run, as a user does: opening the
 * address `nslab serve` prints (`/?token=…`). The server sets its app cookie,
 * the page moves the token to localStorage and out of the address bar; both
 * are saved as the storage state every test starts from (`use.storageState`).
 */
import { chromium, type FullConfig } from '@playwright/test';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const { baseURL, launchOptions } = config.projects[0]!.use;
  const token = process.env.NSLAB_E2E_TOKEN!;
  const browser = await chromium.launch(launchOptions);
  try {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    // Logging in must leave no trace in the lab database: the app's first-visit lab would be one.
    await page.route('**/api/**', (route) => route.abort());
    await page.goto(`/?token=${encodeURIComponent(token)}`);
    await page.waitForURL((url) => !url.searchParams.has('token'));
    await page.waitForFunction(() => localStorage.getItem('nslab-token') !== null);
    await context.storageState({ path: process.env.NSLAB_E2E_AUTH! });
  } finally {
    await browser.close();
  }
}
