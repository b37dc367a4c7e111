// Browser tests of the MCR search page (webviewer/app/) as a user meets it: Debian's
// Chromium (headless, playwright-core) against a real Orthanc with the MCR plugin, a model
// bundle and mcr-synth studies. Run by CTest (tests/webviewer/CMakeLists.txt), or by hand:
//   ORTHANC_PLUGIN=build/plugin/libOrthancMCR.so MCR_SYNTH=build/synth/mcr-synth \
//   MCR_MODEL=models/<bundle> node --test tests/webviewer/browser.test.mjs
// Environment: ORTHANC_BINARY (/usr/sbin/Orthanc), CHROMIUM (/usr/bin/chromium),
// MCR_BROWSER_STUDIES (80, at least 50), MCR_ARTIFACTS (screenshots; default a temp dir).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchBrowser } from './lib/browser.mjs';
import { carries, mostCommonFinding, storeStudies, synthesize } from './lib/fixtures.mjs';
import { Orthanc } from './lib/orthanc.mjs';

const env = (name, fallback) => process.env[name] || fallback;
const ORTHANC_BINARY = env('ORTHANC_BINARY', '/usr/sbin/Orthanc');
const PLUGIN = env('ORTHANC_PLUGIN');
const SYNTH = env('MCR_SYNTH');
const MODEL = env('MCR_MODEL');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const STUDIES = Number(env('MCR_BROWSER_STUDIES', '80'));
const K = 24; // the page's default "Results" choice
// Findings whose sign is large on a radiograph (the text probe picks the most frequent of
// them in the synthetic set); tiny signs such as a granuloma are not a fair page-level check.
const PROBE_FINDINGS = ['cardiomegaly', 'pleural effusion', 'pneumothorax', 'emphysema', 'pacemaker',
  'opacity', 'airspace disease', 'low lung volumes'];

for (const [name, value] of Object.entries({ ORTHANC_PLUGIN: PLUGIN, MCR_SYNTH: SYNTH, MCR_MODEL: MODEL })) {
  if (!value || !fs.existsSync(value)) {
    console.error(`browser tests: ${name} must name an existing file (got '${value || ''}')`);
    process.exit(2);
  }
}
assert.ok(STUDIES >= 50, 'MCR_BROWSER_STUDIES must be at least 50');

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcr-browser-'));
const artifacts = env('MCR_ARTIFACTS', path.join(workDir, 'artifacts'));
fs.mkdirSync(artifacts, { recursive: true });

let orthanc;
let browser;
let page;
let rows;
let byStudy;
const pageErrors = [];
const foreignRequests = [];

async function shot(name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

/** The page at /mcr/app/ (plus `hash`), with its status strip showing the model. */
async function openApp(hash = '') {
  await page.goto(`${orthanc.url}/mcr/app/${hash}`);
  await page.locator('#status').getByText('Indexed').waitFor();
}

async function searchText(text) {
  await page.fill('#query-text', text);
  await page.press('#query-text', 'Enter');
  await waitResults();
}

/** Waits for a finished search and returns the cards' data (study, instance) in page order. */
async function waitResults() {
  await page.waitForFunction(() => {
    const list = document.getElementById('results');
    return !list.hasAttribute('aria-busy') && document.querySelectorAll('#results .card').length > 0;
  });
  return page.$$eval('#results .card', (cards) => cards.map((c) => ({ study: c.dataset.study, instance: c.dataset.instance })));
}

async function waitMessage(kind) {
  const message = page.locator(`#message.message-${kind}`);
  await message.waitFor();
  return (await message.textContent()).trim();
}

async function restError(method, route, body) {
  const response = await fetch(`${orthanc.url}${route}`, { method, body });
  assert.ok(!response.ok, `${method} ${route} should fail`);
  return { status: response.status, ...(await response.json()) };
}

before(async () => {
  rows = synthesize({ synth: SYNTH, count: STUDIES, outDir: path.join(workDir, 'studies'), seed: 20261127, format: 'dicom' });
  assert.equal(rows.length, STUDIES, 'mcr-synth wrote one manifest row per study');
  orthanc = new Orthanc({
    binary: ORTHANC_BINARY, plugin: PLUGIN, workDir: path.join(workDir, 'orthanc'),
    mcr: { ModelPath: MODEL, Device: 'cpu', Threads: 2 },
  });
  fs.mkdirSync(orthanc.workDir, { recursive: true });
  await orthanc.start();
  byStudy = await storeStudies(orthanc, rows);
  const images = rows.reduce((n, r) => n + r.imagePaths.length, 0);
  const reports = rows.filter((r) => r.reportPath).length;
  await orthanc.waitIndexed({ images, reports });

  browser = await launchBrowser({ executablePath: CHROMIUM });
  page = browser.context.pages()[0] || await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== orthanc.url) foreignRequests.push(request.url());
  });
});

after(async () => {
  await browser?.close();
  await orthanc?.stop();
  if (process.exitCode && orthanc) console.error(`Orthanc log tail:\n${orthanc.logTail()}`);
  fs.rmSync(path.join(workDir, 'orthanc'), { recursive: true, force: true });
  fs.rmSync(path.join(workDir, 'studies'), { recursive: true, force: true });
  console.log(`screenshots: ${artifacts}`);
});

describe('MCR search page against a real Orthanc', { concurrency: false }, () => {
  test('the status strip shows the model and what is indexed', async () => {
    await openApp();
    const status = await orthanc.get('/plugins/mcr/status');
    const strip = await page.locator('#status').textContent();
    assert.match(strip, new RegExp(`Model ${status.model.name}`));
    assert.match(strip, new RegExp(`${status.model.device}/${status.model.precision}`));
    assert.match(strip, new RegExp(`${status.index.images} images · ${status.index.reports} reports · ${status.index.studies} studies`));
    assert.match(strip, /Ingest up to date/);
  });

  test('a text search shows thumbnails of studies that carry the finding', async () => {
    const { finding, count } = mostCommonFinding(rows, PROBE_FINDINGS);
    await openApp();
    await searchText(finding);
    const cards = await waitResults();

    // The page shows exactly what the REST API ranks, in the same order.
    const api = await orthanc.post('/mcr/search', JSON.stringify({ text: finding, k: K }));
    assert.deepEqual(cards.map((c) => c.study), api.results.map((r) => r.study));
    assert.deepEqual(cards.map((c) => c.instance), api.results.map((r) => r.instance));

    // Every card's thumbnail is Orthanc's preview of that instance, actually loaded.
    const thumbs = await page.$$eval('#results .card img.thumb', (imgs) => imgs.map((img) => ({
      src: new URL(img.src).pathname, loaded: img.complete && img.naturalWidth > 0,
    })));
    assert.equal(thumbs.length, cards.length);
    for (const [i, thumb] of thumbs.entries()) {
      assert.equal(thumb.src, `/instances/${cards[i].instance}/preview`);
    }
    await page.waitForFunction(() => [...document.querySelectorAll('#results img.thumb')]
      .slice(0, 10).every((img) => img.complete && img.naturalWidth > 0));

    // Relevance: R-precision — of the first n thumbnails, n being the number of studies that
    // carry the finding, at least half carry it (a random ranking gets the base rate, ~0.1).
    const n = count;
    const hits = cards.slice(0, n).filter((c) => carries(byStudy.get(c.study), finding)).length;
    const baseRate = count / rows.length;
    console.log(`probe "${finding}": ${hits}/${n} of the first thumbnails carry it (base rate ${baseRate.toFixed(2)})`);
    assert.ok(hits / n >= 0.5, `only ${hits}/${n} of the first thumbnails carry "${finding}" (random: ${baseRate.toFixed(2)})`);

    // The query's words are marked in the snippets.
    const marks = await page.$$eval('#results mark', (m) => m.map((x) => x.textContent.toLowerCase()));
    assert.ok(marks.some((m) => m.startsWith(finding.split(' ')[0])), `a snippet marks "${finding}"`);
    await shot('viewer-search');
  });

  test('works with the keyboard only', async () => {
    await openApp();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'query-text', 'the query box has the focus');
    await page.keyboard.type('pleural effusion');
    await page.keyboard.press('Enter');
    await waitResults();
    let onCard = false;
    for (let i = 0; i < 40 && !onCard; i += 1) {
      await page.keyboard.press('Tab');
      onCard = await page.evaluate(() => document.activeElement.classList.contains('card'));
    }
    assert.ok(onCard, 'Tab reaches the result cards');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '1', 'arrow keys move between cards');
    await page.keyboard.press('Enter');
    await page.locator('#detail:not([hidden])').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-title', 'the detail panel takes the focus');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'action-reports-like');
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#detail').isHidden(), 'Escape closes the detail panel');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '1', 'focus returns to the card');
  });

  test('the detail panel shows the report and its buttons search from the item', async () => {
    await openApp();
    await searchText('cardiomegaly');
    await page.locator('#results .card').first().click();
    await page.locator('#detail:not([hidden])').waitFor();
    const first = (await waitResults())[0];
    const row = byStudy.get(first.study);

    // The study's own report, read from its SR in Orthanc.
    await page.waitForFunction(() => !document.querySelector('#detail .report-body').hasAttribute('aria-busy'));
    const reportText = (await page.locator('#detail .report-body').textContent()).toLowerCase();
    const words = row.report_text.toLowerCase().match(/[a-z]{4,}/g) || [];
    const found = words.filter((w) => reportText.includes(w)).length;
    assert.ok(words.length && found / words.length >= 0.9, `the panel shows the study's report (${found}/${words.length} words)`);
    await page.waitForFunction(() => {
      const img = document.querySelector('#detail .detail-image img');
      return img && img.complete && img.naturalWidth > 0;
    });
    const explorerHref = await page.locator('#action-explorer').getAttribute('href');
    assert.equal(new URL(explorerHref).pathname + new URL(explorerHref).hash, `/app/explorer.html#study?uuid=${first.study}`);
    await shot('viewer-detail');

    // "Reports like this image": an image -> reports search from this instance.
    await page.click('#action-reports-like');
    await page.waitForURL(/#instance=/);
    const reportCards = await waitResults();
    const reportsApi = await orthanc.post('/mcr/search', JSON.stringify({ instance: first.instance, target: 'reports', k: K }));
    assert.deepEqual(reportCards.map((c) => c.instance), reportsApi.results.map((r) => r.instance));
    assert.ok(await page.locator('#results.results-reports').count(), 'report results are shown as reports');
    assert.match(await page.locator('#query-summary').textContent(), /reports like this image/);
    for (const card of reportCards) assert.ok(byStudy.get(card.study).orthancReport === card.instance, 'each hit is a stored SR');
    await shot('viewer-reports-like-image');

    // "Similar studies" from a report hit: a studies search from that study.
    await page.locator('#results .card').first().click();
    await page.locator('#detail:not([hidden])').waitFor();
    await page.click('#action-similar-studies');
    await page.waitForURL(new RegExp(`#study=${reportCards[0].study}`));
    const studyCards = await waitResults();
    const similarApi = await orthanc.get(`/mcr/studies/${reportCards[0].study}/similar?k=${K}`);
    assert.deepEqual(studyCards.map((c) => c.study), similarApi.results.map((r) => r.study));
    assert.ok(!studyCards.some((c) => c.study === reportCards[0].study), 'the query study itself is not listed');
    assert.match(await page.locator('#query-summary').textContent(), /studies like this study/);
    await shot('viewer-similar-studies');

    // Back returns to the previous search (the query lives in the URL).
    await page.goBack();
    await page.waitForURL(/#instance=/);
    assert.deepEqual((await waitResults()).map((c) => c.instance), reportsApi.results.map((r) => r.instance));
  });

  test('a PNG that is not in the PACS can be searched by upload', async () => {
    const outside = synthesize({ synth: SYNTH, count: 1, outDir: path.join(workDir, 'outside'), seed: 4242, format: 'png' });
    const png = outside[0].imagePaths[0];
    assert.match(png, /\.png$/);
    const before = (await orthanc.get('/instances')).length;
    await openApp();
    await page.setInputFiles('#upload-file', png);
    const cards = await waitResults();
    const api = await orthanc.post('/mcr/search/upload', fs.readFileSync(png), { 'X-MCR-Search': JSON.stringify({ k: K }) });
    assert.equal(api.target, 'reports');
    assert.deepEqual(cards.map((c) => c.instance), api.results.map((r) => r.instance));
    assert.match(await page.locator('#query-summary').textContent(), new RegExp(`like the file ${path.basename(png)}`));
    assert.ok(await page.locator('#query-summary img.query-thumb').isVisible(), 'the uploaded image is shown');
    assert.equal((await orthanc.get('/instances')).length, before, 'nothing was stored');
    await shot('viewer-upload');
  });

  test('an upload the server refuses shows its 400 message', async () => {
    const bogus = path.join(workDir, 'not-an-image.txt');
    fs.writeFileSync(bogus, 'this is a text file, neither DICOM nor PNG\n');
    const expected = await restError('POST', '/mcr/search/upload', fs.readFileSync(bogus));
    assert.equal(expected.status, 400);
    await openApp();
    await page.setInputFiles('#upload-file', bogus);
    const message = await waitMessage('error');
    assert.equal(message, `The server did not accept this query: ${expected.message}`);
    assert.equal(await page.locator('#message').getAttribute('role'), 'alert');
    assert.equal(await page.locator('#results .card').count(), 0);
    await shot('viewer-error-400');
  });

  test('an empty result is said in words', async () => {
    await openApp();
    await page.fill('#date-from', '1900-01-01');
    await page.fill('#date-to', '1900-01-02');
    await page.fill('#query-text', 'cardiomegaly');
    await page.press('#query-text', 'Enter');
    assert.match(await waitMessage('empty'), /^No results\./);
  });

  test('Orthanc Explorer\'s study page has a "Similar cases" button that opens the app', async () => {
    // As a user gets there: Explorer's home, then the study's page (jQuery Mobile navigation).
    const study = rows[0].orthancStudy;
    await page.goto(`${orthanc.url}/app/explorer.html`);
    await page.locator('#lookup, #find-patients').first().waitFor({ state: 'attached' });
    await page.evaluate((id) => { window.location.hash = `#study?uuid=${id}`; }, study);
    const button = page.locator('#study a', { hasText: 'Similar cases' });
    await button.waitFor({ state: 'visible', timeout: 15000 });
    await shot('explorer-study-button');
    const opened = browser.context.waitForEvent('page', { timeout: 5000 }).catch(() => null);
    await button.click();
    const target = (await opened) || page;
    await target.waitForURL(new RegExp(`/mcr/app/.*#study=${study}`));
    await target.waitForFunction(() => document.querySelectorAll('#results .card').length > 0);
    const similar = await orthanc.get(`/mcr/studies/${study}/similar?k=${K}`);
    assert.deepEqual(await target.$$eval('#results .card', (cards) => cards.map((c) => c.dataset.study)),
      similar.results.map((r) => r.study));
    if (target !== page) await target.close();
  });

  test('the "Similar cases" button is also there when a study page is opened directly', async () => {
    // A bookmark, a link from another tool, or a reload of the study page.
    const study = rows[1].orthancStudy;
    await page.goto('about:blank'); // a fresh load, not a jQuery Mobile page change
    await page.goto(`${orthanc.url}/app/explorer.html#study?uuid=${study}`);
    const button = page.locator('#study a', { hasText: 'Similar cases' });
    await button.waitFor({ state: 'visible', timeout: 15000 });
    const href = new URL(await button.getAttribute('href'), page.url());
    assert.match(href.pathname, /^\/mcr\/app\/(index\.html)?$/);
    assert.equal(href.hash, `#study=${study}`);
  });

  test('the page only talks to its own origin and raises no script errors', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(pageErrors, []);
  });

  test('while a reindex job runs, the status strip shows its progress', async () => {
    await openApp();
    const { job } = await orthanc.post('/mcr/reindex', '{}');
    let sawProgress = false;
    let state = 'Pending';
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline) {
      state = (await orthanc.get(`/jobs/${job}`)).State;
      if (!sawProgress && await page.locator('#reindex-progress').count()) {
        sawProgress = true;
        await shot('viewer-reindex');
      }
      if (state === 'Success' || state === 'Failure') break;
      await sleep(200);
    }
    assert.equal(state, 'Success');
    if (!sawProgress) {
      // The strip refreshes every 5 s when idle; a reindex of this small set may end first.
      // Reload during a fresh job so the first status read sees it running.
      const again = await orthanc.post('/mcr/reindex', '{}');
      await openApp();
      const running = (await orthanc.get(`/jobs/${again.job}`)).State === 'Running';
      if (running) await page.locator('#reindex-progress').waitFor({ timeout: 5000 });
      sawProgress = running;
      while (!['Success', 'Failure'].includes((await orthanc.get(`/jobs/${again.job}`)).State)) await sleep(200);
    }
    assert.ok(sawProgress, 'the progress bar was shown while the job ran');
    await page.locator('#reindex-progress').waitFor({ state: 'detached', timeout: 20000 });
  });

  test('a server without its model shows the 503 reason', async () => {
    const broken = new Orthanc({
      binary: ORTHANC_BINARY, plugin: PLUGIN, workDir: path.join(workDir, 'orthanc-no-model'),
      mcr: { ModelPath: path.join(workDir, 'missing.bundle'), Device: 'cpu' },
    });
    fs.mkdirSync(broken.workDir, { recursive: true });
    await broken.start();
    try {
      const status = await broken.get('/plugins/mcr/status');
      assert.equal(status.ready, false);
      const expected = await (await fetch(`${broken.url}/mcr/search`, { method: 'POST', body: '{"text":"cardiomegaly"}' })).json();
      assert.equal(expected.status, 503);
      const other = await browser.context.newPage();
      await other.goto(`${broken.url}/mcr/app/`);
      await other.locator('#status .status-warning').getByText('Search unavailable').waitFor();
      await other.fill('#query-text', 'cardiomegaly');
      await other.press('#query-text', 'Enter');
      await other.locator('#message.message-error').waitFor();
      assert.equal((await other.locator('#message').textContent()).trim(), `Search is unavailable right now: ${expected.message}`);
      await other.screenshot({ path: path.join(artifacts, 'viewer-error-503.png') });
      await other.close();
    } finally {
      await broken.stop();
    }
  });

  test('an unreachable server is said in words', async () => {
    await openApp();
    await orthanc.stop();
    await page.fill('#query-text', 'cardiomegaly');
    await page.press('#query-text', 'Enter');
    assert.match(await waitMessage('error'), /^Cannot reach the Orthanc server\./);
    await page.locator('#status').getByText('Cannot reach the Orthanc server').waitFor({ timeout: 5000 });
    await shot('viewer-unreachable');
  });
});
