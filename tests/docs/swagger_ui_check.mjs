// Opens the gateway's /docs (Swagger UI) in headless Chromium, authorises with a bearer token,
// runs one real "Try it out" call (GET /v1/calendar/days/{date}) and checks the answer shown,
// then saves a screenshot. Prints one JSON line with what it saw; exits non-zero on failure.
//
//   node swagger_ui_check.mjs <gateway base URL> <bearer token> <screenshot.png> [date]
//
// Chromium is Debian's (PETITION_CHROMIUM or /usr/bin/chromium), driven by puppeteer-core
// (pinned in package.json); the page may reach no host but the gateway.
import puppeteer from 'puppeteer-core';

const [base, token, screenshot, date = '2026-10-01'] = process.argv.slice(2);
if (!base || !token || !screenshot) {
  console.error('usage: swagger_ui_check.mjs <base URL> <token> <screenshot.png> [date]');
  process.exit(2);
}
const origin = new URL(base).origin;
const timeout = 30000;

const browser = await puppeteer.launch({
  executablePath: process.env.PETITION_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Root in a container has no user namespace sandbox to give Chromium.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
         '--lang=en-US'],
  defaultViewport: {width: 1280, height: 1000},
});
const foreign = [];
const failures = [];
let result = {};
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      request.continue();
    } else {
      foreign.push(url);
      request.abort();
    }
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));

  const response = await page.goto(`${base}/docs`, {waitUntil: 'networkidle0'});
  if (response.status() !== 200) throw new Error(`/docs answered ${response.status()}`);
  await page.waitForSelector('.swagger-ui .info .title');
  const title = await page.$eval('.swagger-ui .info .title', (e) => e.textContent);

  // Authorize: the bearer scheme's form in the dialog.
  await page.click('.swagger-ui .auth-wrapper button.authorize');
  await page.waitForSelector('.swagger-ui .modal-ux .auth-container');
  const forms = await page.$$('.swagger-ui .modal-ux .auth-container');
  let authorised = false;
  for (const form of forms) {
    const text = await form.evaluate((e) => e.textContent);
    if (!/bearer/i.test(text) || /X-Api-Key/.test(text)) continue;
    await (await form.$('input')).type(token);
    await (await form.$('button.authorize')).click();
    authorised = true;
    break;
  }
  if (!authorised) throw new Error('no bearer form in the Authorize dialog');
  await page.click('.swagger-ui .modal-ux button.close-modal');

  // Try it out on GET /v1/calendar/days/{date}: open its tag, then the operation.
  const operation = '#operations-Scheduling-Scheduling_GetCalendarDay';
  if (await page.$(operation) === null) await page.click('#operations-tag-Scheduling');
  await page.waitForSelector(operation);
  await page.click(`${operation} .opblock-summary`);
  await page.waitForSelector(`${operation} .try-out__btn`);
  await page.click(`${operation} .try-out__btn`);
  await page.waitForSelector(`${operation} tr[data-param-name="date"] input`);
  await page.type(`${operation} tr[data-param-name="date"] input`, date);
  await page.click(`${operation} button.execute`);
  await page.waitForSelector(`${operation} .live-responses-table tr.response .response-col_status`);
  const status = (await page.$eval(`${operation} .live-responses-table tr.response .response-col_status`,
                                   (e) => e.textContent)).trim();
  const body = await page.$eval(`${operation} .live-responses-table tr.response .response-col_description pre`,
                                (e) => e.textContent);
  const curl = await page.$eval(`${operation} .curl-command`, (e) => e.textContent)
                   .catch(() => '');
  // The operation with its answer, as a person sees it.
  await page.$eval(operation, (e) => e.scrollIntoView());
  await page.screenshot({path: screenshot});
  result = {title, status, body: JSON.parse(body), bearerSent: curl.includes(`Bearer ${token}`)};
} catch (error) {
  failures.push(String(error && error.stack || error));
  // What the page showed when it failed.
  const page = (await browser.pages()).at(-1);
  if (page) await page.screenshot({path: screenshot, fullPage: true}).catch(() => {});
} finally {
  await browser.close();
}
if (foreign.length > 0) failures.push(`requests to other hosts: ${foreign.join(', ')}`);
console.log(JSON.stringify({...result, failures}));
process.exit(failures.length === 0 ? 0 : 1);
