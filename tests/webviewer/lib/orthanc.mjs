// A real Orthanc (/usr/sbin/Orthanc) with the MCR plugin on 127.0.0.1, free ports and
// temporary storage, for the browser tests. No mock: the page talks to what a user runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export class Orthanc {
  /**
   * @param {object} options
   *   binary: path of the Orthanc executable; plugin: path of libOrthancMCR.so;
   *   workDir: an empty directory (storage, index, configuration, log);
   *   mcr: the "MCR" configuration section.
   */
  constructor({ binary, plugin, workDir, mcr }) {
    this.binary = binary;
    this.plugin = plugin;
    this.workDir = workDir;
    this.mcr = mcr;
    this.process = null;
    this.logPath = path.join(workDir, 'orthanc.log');
  }

  get url() { return `http://127.0.0.1:${this.httpPort}`; }

  async start() {
    this.httpPort = await freePort();
    this.dicomPort = await freePort();
    const storage = path.join(this.workDir, 'storage');
    fs.mkdirSync(storage, { recursive: true });
    const configuration = {
      Name: 'MCR-browser-test',
      StorageDirectory: storage,
      IndexDirectory: storage,
      HttpPort: this.httpPort,
      DicomPort: this.dicomPort,
      DicomAet: 'MCRTEST',
      RemoteAccessAllowed: false, // only 127.0.0.1 may talk to it
      AuthenticationEnabled: false,
      HttpServerEnabled: true,
      DicomServerEnabled: true,
      SaveJobs: false,
      StableAge: 1,
      Plugins: [this.plugin],
      MCR: this.mcr,
    };
    const configPath = path.join(this.workDir, 'orthanc.json');
    fs.writeFileSync(configPath, JSON.stringify(configuration, null, 2));
    const log = fs.openSync(this.logPath, 'a');
    this.process = spawn(this.binary, ['--verbose', configPath], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));

    const deadline = Date.now() + 30000;
    for (;;) {
      if (this.process.exitCode !== null) {
        throw new Error(`Orthanc exited at start (code ${this.process.exitCode}); log:\n${this.logTail()}`);
      }
      try {
        const response = await fetch(`${this.url}/system`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`Orthanc did not answer within 30 s; log:\n${this.logTail()}`);
      await sleep(100);
    }
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    this.process.kill('SIGTERM');
    const result = await Promise.race([this.exited, sleep(20000).then(() => null)]);
    if (!result) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }

  logTail(lines = 60) {
    try {
      return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async rest(method, route, body, headers = {}) {
    const response = await fetch(`${this.url}${route}`, { method, body, headers });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (e.g. a PNG); callers that need bytes use fetch directly
    }
    if (!response.ok) {
      throw new Error(`${method} ${route} -> ${response.status}: ${text.slice(0, 500)}`);
    }
    return json;
  }

  get(route) { return this.rest('GET', route); }
  post(route, body, headers) { return this.rest('POST', route, body, headers); }

  /** Stores one DICOM file over REST; resolves to Orthanc's answer ({ID, ParentStudy, ...}). */
  storeDicom(filePath) {
    return this.post('/instances', fs.readFileSync(filePath), { 'Content-Type': 'application/dicom' });
  }

  /**
   * Waits until the plugin has caught up with everything stored (lag 0, queue empty) and
   * indexed at least `images` images and `reports` reports, and stays so: Orthanc emits
   * StableSeries/StableStudy changes StableAge seconds after the last instance, so the
   * state must hold, with no new change, over a wait longer than that.
   */
  async waitIndexed({ images, reports, timeoutMs = 180000, settleMs = 2500 }) {
    const deadline = Date.now() + timeoutMs;
    let status = null;
    let caughtUpAt = null; // {lastChange, since}
    for (;;) {
      status = await this.get('/plugins/mcr/status');
      const index = status.index || {};
      const caughtUp = status.ready && status.ingest?.lag === 0 && status.ingest?.queueLength === 0 &&
        (index.images ?? 0) >= images && (index.reports ?? 0) >= reports;
      if (!caughtUp) {
        caughtUpAt = null;
      } else if (!caughtUpAt || caughtUpAt.lastChange !== status.ingest.lastChange) {
        caughtUpAt = { lastChange: status.ingest.lastChange, since: Date.now() };
      } else if (Date.now() - caughtUpAt.since >= settleMs) {
        return status;
      }
      if (Date.now() > deadline) {
        throw new Error(`not indexed within ${timeoutMs / 1000} s: ${JSON.stringify(status)}`);
      }
      await sleep(250);
    }
  }
}
