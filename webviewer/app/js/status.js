// The status strip: model, device/precision, indexed counts, ingest queue and lag from
// /plugins/mcr/status, refreshed often while ingest or a reindex job is running; a progress
// bar follows the reindex job through Orthanc's /jobs/{id}.
import { NetworkError } from './api.js';
import { h, plural } from './dom.js';

const BUSY_REFRESH_MS = 2000;
const IDLE_REFRESH_MS = 5000;
const HIDDEN_REFRESH_MS = 60000; // a background tab need not poll the server

function nextDelay(busy) {
  if (document.visibilityState === 'hidden') return HIDDEN_REFRESH_MS;
  return busy ? BUSY_REFRESH_MS : IDLE_REFRESH_MS;
}

export class StatusStrip {
  constructor(api, element) {
    this.api = api;
    this.element = element;
    this.timer = null;
    this.inFlight = false;
    this.again = false;
    // Coming back to the tab refreshes at once instead of after the slow hidden-tab delay.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.refresh();
    });
  }

  /** Shows the current status (or why it is unavailable) and schedules the next refresh. */
  async refresh() {
    // One refresh at a time: a call while one is in flight runs once more after it, so
    // there is never more than one polling chain.
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    clearTimeout(this.timer);
    let busy = false;
    try {
      const status = await this.api.status();
      let job = null;
      if (status.reindex?.running && status.reindex.job) {
        job = await this.api.job(status.reindex.job).catch(() => null);
      }
      busy = this.render(status, job);
    } catch (error) {
      this.renderError(error);
      busy = true; // retry soon: the server may be restarting
    } finally {
      this.inFlight = false;
    }
    if (this.again) {
      this.again = false;
      this.refresh();
      return;
    }
    this.timer = setTimeout(() => this.refresh(), nextDelay(busy));
  }

  render(status, job) {
    const parts = [];
    const ingest = status.ingest || {};
    const index = status.index || {};
    const ingesting = (ingest.queueLength || 0) > 0 || (ingest.lag || 0) > 0;
    const reindexing = Boolean(status.reindex?.running);

    if (!status.enabled) {
      parts.push(h('span', { class: 'status-warning' }, 'MCR plugin disabled in the Orthanc configuration'));
    } else if (!status.ready) {
      parts.push(h('span', { class: 'status-warning' },
        `Search unavailable: ${status.unavailableReason || 'model not loaded'}`));
    }
    if (status.model) {
      parts.push(h('span', { class: 'status-item', title: `fingerprint ${status.model.fingerprint || '?'}\n${status.model.path || ''}` },
        h('span', { class: 'status-label' }, 'Model '), status.model.name || 'unnamed',
        ` · ${status.model.device || '?'}/${status.model.precision || '?'}`));
    }
    if (status.index) {
      parts.push(h('span', { class: 'status-item' },
        h('span', { class: 'status-label' }, 'Indexed '),
        `${plural(index.images ?? 0, 'image')} · ${plural(index.reports ?? 0, 'report')} · ${plural(index.studies ?? 0, 'study', 'studies')}`));
    }
    parts.push(h('span', { class: 'status-item' + (ingesting ? ' status-busy' : '') },
      h('span', { class: 'status-label' }, 'Ingest '),
      ingesting ? `queue ${ingest.queueLength ?? 0} · ${plural(ingest.lag ?? 0, 'change')} behind` : 'up to date'));
    if (status.skipped?.total) {
      const reasons = Object.entries(status.skipped.byReason || {})
        .filter(([, n]) => n > 0).map(([reason, n]) => `${reason}: ${n}`).join(', ');
      parts.push(h('span', { class: 'status-item', title: reasons },
        h('span', { class: 'status-label' }, 'Skipped '), String(status.skipped.total)));
    }
    if (reindexing) {
      const total = job?.Content?.total ?? status.reindex.total ?? 0;
      const processed = job?.Content?.processed ?? status.reindex.processed ?? 0;
      const progress = typeof job?.Progress === 'number' ? job.Progress
        : (total ? Math.round((100 * processed) / total) : 0);
      parts.push(h('span', { class: 'status-item status-reindex' },
        h('label', { for: 'reindex-progress', class: 'status-label' }, 'Reindexing '),
        h('progress', { id: 'reindex-progress', max: '100', value: String(progress) }),
        ` ${progress}% (${processed}/${total})`));
    }
    this.element.replaceChildren(...parts);
    this.element.classList.toggle('status-down', !status.ready);
    return ingesting || reindexing;
  }

  renderError(error) {
    const text = error instanceof NetworkError
      ? 'Cannot reach the Orthanc server; retrying…'
      : `Status unavailable: ${error.message}`;
    this.element.replaceChildren(h('span', { class: 'status-warning' }, text));
    this.element.classList.add('status-down');
  }
}
