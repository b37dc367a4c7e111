// The search page: wires the query form, the upload zone, the result grid, the detail panel
// and the status strip. The current query lives in the URL's fragment (#text=…, #instance=…,
// #study=…) so that Back/Forward, reloads and Orthanc Explorer's "Similar cases" links work.
import { Api, ApiError, NetworkError } from './api.js';
import { DetailPanel } from './detail.js';
import { h, plural, toDicomDate } from './dom.js';
import { queryWords } from './highlight.js';
import { enableGridKeys, renderResults } from './results.js';
import { StatusStrip } from './status.js';

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024; // the plugin's limit (docs/api.md)

const $ = (id) => document.getElementById(id);
const els = {
  form: $('search-form'), text: $('query-text'), target: $('target'), k: $('k'),
  modality: $('modality'), dateFrom: $('date-from'), dateTo: $('date-to'),
  excludePatient: $('exclude-patient'), upload: $('upload-file'),
  message: $('message'), summary: $('query-summary'), results: $('results'),
  detail: $('detail'), status: $('status'),
};

const api = new Api(new URL('.', window.location.href));
const statusStrip = new StatusStrip(api, els.status);
const detail = new DetailPanel(api, els.detail, {
  reportsLikeImage: (instance) => navigate({ instance, target: 'reports' }),
  imagesLikeReport: (instance) => navigate({ instance, target: 'images' }),
  similarStudies: (study) => navigate({ study, target: 'studies' }),
});
let searchGeneration = 0;

/** The filters of the form, as the plugin's option names (unset ones omitted). */
function formOptions() {
  const options = {};
  const k = Number.parseInt(els.k.value, 10);
  if (Number.isFinite(k)) options.k = k;
  if (els.modality.value) options.modality = els.modality.value;
  const from = toDicomDate(els.dateFrom.value);
  const to = toDicomDate(els.dateTo.value);
  if (from) options.studyDateFrom = from;
  if (to) options.studyDateTo = to;
  return options;
}

function formTarget() {
  return els.target.value === 'auto' ? undefined : els.target.value;
}

// ---- messages ------------------------------------------------------------------------
function showMessage(text, kind = 'info') {
  els.message.className = `message message-${kind}`;
  els.message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  els.message.textContent = text;
  els.message.hidden = !text;
}

function describeError(error) {
  if (error instanceof NetworkError) {
    return 'Cannot reach the Orthanc server. Check that it is running and that this page is served by it, then try again.';
  }
  if (error instanceof ApiError) {
    switch (error.status) {
      case 400: return `The server did not accept this query: ${error.message}`;
      case 401: case 403: return `Not allowed: ${error.message}`;
      case 404: return `Not found: ${error.message}`;
      case 503: return `Search is unavailable right now: ${error.message}`;
      default: return `The server answered ${error.status}: ${error.message}`;
    }
  }
  return `Unexpected error: ${error.message}`;
}

// ---- the query in the URL ------------------------------------------------------------
function queryFromHash() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const query = {};
  for (const key of ['text', 'instance', 'study', 'target']) {
    if (params.get(key)) query[key] = params.get(key);
  }
  return query.text || query.instance || query.study ? query : null;
}

/** Puts `query` in the URL; the hashchange listener runs it (also on Back/Forward). */
function navigate(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const hash = `#${params}`;
  if (window.location.hash === hash) runQuery(query);
  else window.location.hash = hash;
}

// ---- running searches ----------------------------------------------------------------
/** "this image" / "this report" follow the searched space: an SR instance searches images. */
function describeQuery(query, target = query.target) {
  if (query.text) return `“${query.text}”`;
  if (query.upload) return `the file ${query.upload.name}`;
  if (query.instance) return target === 'images' ? 'this report' : 'this image';
  return 'this study';
}

function querySummary(query, response) {
  const target = response.target || query.target || '';
  const n = response.results.length;
  const took = typeof response.tookMs === 'number' ? ` in ${response.tookMs.toFixed(0)} ms` : '';
  return `${plural(n, target === 'studies' ? 'study' : target === 'reports' ? 'report' : 'image',
    target === 'studies' ? 'studies' : undefined)} ${query.text ? 'matching' : 'like'} ${describeQuery(query, target)}${took}`;
}

function queryBanner(query) {
  if (query.upload?.previewUrl) {
    return h('img', { class: 'query-thumb', src: query.upload.previewUrl, alt: 'The uploaded image' });
  }
  if (query.instance && query.target !== 'images') {
    const image = h('img', { class: 'query-thumb', src: api.previewUrl(query.instance), alt: 'The query image' });
    image.addEventListener('error', () => image.remove(), { once: true }); // e.g. an SR has no preview
    return image;
  }
  return null;
}

async function execute(query) {
  const options = formOptions();
  if (query.upload) {
    return api.searchUpload(query.upload.file, { target: formTarget(), ...options });
  }
  const target = query.target || formTarget();
  if (query.study && (target === undefined || target === 'studies')) {
    if (els.excludePatient.checked) options.excludeQueryPatient = true;
    return api.similarStudies(query.study, options);
  }
  const body = { ...options };
  if (target) body.target = target;
  if (query.text) body.text = query.text;
  if (query.instance) body.instance = query.instance;
  if (query.study) body.study = query.study;
  if (!query.text && els.excludePatient.checked) body.excludeQueryPatient = true;
  return api.search(body);
}

async function runQuery(query) {
  const generation = ++searchGeneration;
  // A search started from the detail panel replaces the card it would return focus to.
  const focusResults = detail.isOpen && els.detail.contains(document.activeElement);
  if (detail.isOpen) detail.close({ restoreFocus: false });
  if (query.text !== undefined) els.text.value = query.text;
  els.results.setAttribute('aria-busy', 'true');
  els.summary.replaceChildren();
  showMessage(`Searching for ${describeQuery(query)}…`);
  try {
    const response = await execute(query);
    if (generation !== searchGeneration) return;
    const results = Array.isArray(response?.results) ? response.results : [];
    const target = response.target || query.target || formTarget() || 'images';
    const words = query.text ? queryWords(query.text) : [];
    els.results.classList.toggle('results-reports', target === 'reports');
    renderResults(els.results, results, {
      api, target, words,
      onSelect: (result, index, card) => detail.open(result, { target, words, returnFocus: card }),
    });
    els.summary.replaceChildren(...[queryBanner(query), querySummary(query, { ...response, results, target })].filter(Boolean));
    if (results.length) {
      showMessage('');
    } else {
      showMessage('No results. The index may still be filling (see the status bar), or the filters exclude every study.', 'empty');
    }
  } catch (error) {
    if (generation !== searchGeneration) return;
    els.results.replaceChildren();
    showMessage(describeError(error), 'error');
    if (error instanceof NetworkError || error.status === 503) statusStrip.refresh();
  } finally {
    if (generation === searchGeneration) {
      els.results.removeAttribute('aria-busy');
      if (focusResults) $('results-region').focus();
    }
  }
}

function runUpload(file) {
  if (!file) return;
  if (file.size === 0) {
    showMessage(`The file ${file.name} is empty.`, 'error');
    return;
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    showMessage(`The file ${file.name} is larger than 64 MiB, the most the server accepts.`, 'error');
    return;
  }
  const isPng = file.type === 'image/png' || /\.png$/i.test(file.name);
  const previewUrl = isPng ? URL.createObjectURL(file) : null;
  runQuery({ upload: { file, name: file.name, previewUrl } });
}

// ---- wiring ----------------------------------------------------------------------------
els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = els.text.value.trim();
  if (!text) {
    showMessage('Type a description to search for, e.g. “small right pleural effusion”, or choose an image file.', 'error');
    els.text.focus();
    return;
  }
  navigate({ text, target: formTarget() });
});

els.upload.addEventListener('change', () => {
  runUpload(els.upload.files[0]);
  els.upload.value = ''; // choosing the same file again searches again
});
// A file dragged anywhere over the page can be dropped to search with it.
const overlay = $('drop-overlay');
let dragDepth = 0;
const carriesFiles = (event) => [...(event.dataTransfer?.types || [])].includes('Files');
document.addEventListener('dragenter', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  dragDepth += 1;
  overlay.hidden = false;
});
document.addEventListener('dragover', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) overlay.hidden = true;
});
document.addEventListener('drop', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  runUpload(event.dataTransfer.files[0]);
});

window.addEventListener('hashchange', () => {
  const query = queryFromHash();
  if (query) runQuery(query);
});
document.addEventListener('keydown', (event) => {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName);
  if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    els.text.focus();
  }
});
enableGridKeys(els.results);

statusStrip.refresh();
const initial = queryFromHash();
if (initial) runQuery(initial);
else els.text.focus();

