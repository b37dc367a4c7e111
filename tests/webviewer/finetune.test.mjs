// The periodic fine-tuning script (config/systemd/mcr-finetune) against a real Orthanc with
// the MCR plugin and a few mcr-synth studies, with a tiny step count. The decision rule is
// driven both ways by the tolerance, so both branches are checked whatever the training did.
// Environment as browser.test.mjs, plus MCR_TRAIN (mcr-train) and PYTHON (python3).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { storeStudies, synthesize } from './lib/fixtures.mjs';
import { freePort, Orthanc } from './lib/orthanc.mjs';

const env = (name, fallback) => process.env[name] || fallback;
const PLUGIN = env('ORTHANC_PLUGIN');
const SYNTH = env('MCR_SYNTH');
const TRAIN = env('MCR_TRAIN');
const MODEL = env('MCR_MODEL');
const PYTHON = env('PYTHON', 'python3');
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config/systemd/mcr-finetune');
for (const [name, value] of Object.entries({ ORTHANC_PLUGIN: PLUGIN, MCR_SYNTH: SYNTH, MCR_TRAIN: TRAIN, MCR_MODEL: MODEL })) {
  if (!value || !fs.existsSync(value)) {
    console.error(`finetune test: ${name} must name an existing file (got '${value || ''}')`);
    process.exit(2);
  }
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcr-finetune-'));
const finetuneDir = path.join(workDir, 'finetune');
const current = path.join(workDir, 'current.bundle');
let orthanc;

function finetune(...args) {
  const result = spawnSync(PYTHON, [SCRIPT, '--orthanc', orthanc.url, '--train', TRAIN, '--dir', finetuneDir,
    '--steps', '2', '--batch', '4', '--device', 'cpu', '--min-heldout', '1', ...args],
  { encoding: 'utf8', timeout: 300000 });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

function latestDecision() {
  const runs = fs.readdirSync(path.join(finetuneDir, 'runs')).sort();
  return JSON.parse(fs.readFileSync(path.join(finetuneDir, 'runs', runs.at(-1), 'decision.json'), 'utf8'));
}

before(async () => {
  fs.copyFileSync(MODEL, current);
  const rows = synthesize({ synth: SYNTH, count: 40, outDir: path.join(workDir, 'studies'), seed: 99, format: 'dicom' });
  orthanc = new Orthanc({
    binary: env('ORTHANC_BINARY', '/usr/sbin/Orthanc'), plugin: PLUGIN, workDir: path.join(workDir, 'orthanc'),
    mcr: { ModelPath: current, Device: 'cpu' },
  });
  fs.mkdirSync(orthanc.workDir, { recursive: true });
  await orthanc.start();
  await storeStudies(orthanc, rows);
  await orthanc.waitIndexed({ images: rows.length, reports: rows.length });
});

after(async () => {
  await orthanc?.stop();
  if (process.exitCode && orthanc) console.error(`Orthanc log tail:\n${orthanc.logTail()}`);
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('mcr-finetune against a real Orthanc', { concurrency: false }, () => {
  test('a bundle that is not good enough is not deployed and nothing changes', async () => {
    const before = await orthanc.get('/plugins/mcr/status');
    const jobs = (await orthanc.get('/jobs')).length;
    const run = finetune('--tolerance', '-1000'); // the new score would need to be 1000 higher
    assert.equal(run.status, 0, run.err);
    const decision = latestDecision();
    assert.equal(decision.decision, 'kept', JSON.stringify(decision));
    assert.match(decision.reason, /new score .* < current/);
    assert.ok(decision.heldout >= 1 && decision.pairs === 40, JSON.stringify(decision));
    assert.equal(typeof decision.newMetrics.i2t.exact['R@10'], 'number');
    const afterStatus = await orthanc.get('/plugins/mcr/status');
    assert.equal(afterStatus.model.fingerprint, before.model.fingerprint);
    assert.equal(afterStatus.model.path, current);
    assert.equal((await orthanc.get('/jobs')).length, jobs, 'no reindex job was started');
    assert.deepEqual(fs.readdirSync(path.join(finetuneDir, 'models')), []);
    // The copies of PACS data made for training and evaluation are gone.
    const runDir = path.join(finetuneDir, 'runs', fs.readdirSync(path.join(finetuneDir, 'runs')).sort().at(-1));
    assert.ok(!fs.existsSync(path.join(runDir, 'fit', 'orthanc-cache')));
    assert.ok(!fs.existsSync(path.join(runDir, 'heldout-data')));
  });

  test('a bundle that is not worse is deployed through the reindex job', async () => {
    const before = await orthanc.get('/plugins/mcr/status');
    const run = finetune('--tolerance', '1000'); // any new score is "not worse"
    assert.equal(run.status, 0, run.err);
    const decision = latestDecision();
    assert.equal(decision.decision, 'deployed', JSON.stringify(decision));
    const status = await orthanc.get('/plugins/mcr/status');
    assert.equal(status.model.path, decision.deployed);
    assert.notEqual(status.model.fingerprint, before.model.fingerprint, 'the fine-tuned weights are served');
    const job = await orthanc.get(`/jobs/${decision.job}`);
    assert.equal(job.State, 'Success');
    assert.equal(status.index.images, before.index.images, 'everything was re-embedded');
    // The next run fine-tunes the bundle now served.
    const next = finetune('--tolerance', '-1000', '--dry-run');
    assert.equal(next.status, 0, next.err);
    assert.equal(latestDecision().current, decision.deployed);
  });

  test('two runs at once: the second is refused', async () => {
    fs.mkdirSync(finetuneDir, { recursive: true });
    const holder = spawn('flock', [path.join(finetuneDir, '.lock'), 'sleep', '30']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const run = finetune('--tolerance', '0');
      assert.equal(run.status, 1);
      assert.match(run.err, /another fine-tuning run holds/);
    } finally {
      holder.kill();
    }
  });

  test('an unreachable Orthanc is a clear error', async () => {
    const port = await freePort();
    const result = spawnSync(PYTHON, [SCRIPT, '--orthanc', `http://127.0.0.1:${port}`, '--train', TRAIN,
      '--dir', path.join(workDir, 'unreachable')], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cannot reach Orthanc at http:\/\/127\.0\.0\.1/);
  });
});
