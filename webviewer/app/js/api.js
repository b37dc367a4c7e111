// Talks to the plugin and to Orthanc, same origin only (so Orthanc's authentication covers
// every call). The page lives at {root}app/; the plugin's routes are under {root}; Orthanc's
// own routes (/instances, /jobs, /plugins/mcr/status, the Explorer) are under Orthanc's base,
// which is found once by asking the levels above {root} for /plugins/mcr/status: the plugin
// root (MCR.Root) and a reverse-proxy prefix may both be several path segments deep.

/** An answer with an HTTP error status; `message` is the server's human-readable text. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** The server could not be reached at all (connection refused, DNS, network down). */
export class NetworkError extends Error {
  constructor(url, cause) {
    super(`Cannot reach the Orthanc server (${url.pathname}): ${cause?.message || 'network error'}`);
    this.name = 'NetworkError';
  }
}

async function request(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', ...options });
  } catch (error) {
    throw new NetworkError(url, error);
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const message = body?.message || body?.Message || text.trim().slice(0, 300) ||
      `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, body?.error || body?.HttpError || '', message);
  }
  if (body === null && text) {
    throw new ApiError(response.status, 'BadResponse', `The server answered ${url.pathname} with something that is not JSON`);
  }
  return body;
}

const json = (method, payload) => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(payload),
});

function withQuery(url, params) {
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url;
}

export class Api {
  /** @param {URL} appUrl the page's own directory, e.g. http://host/mcr/app/ */
  constructor(appUrl) {
    this.pluginRoot = new URL('../', appUrl);
    this.orthancRoot = null; // found by locateOrthanc()
  }

  /** Finds Orthanc's base URL; resolves to the status object found on the way. */
  async locateOrthanc() {
    if (this.orthancRoot) return this.status();
    let candidate = new URL('../', this.pluginRoot);
    let lastError = null;
    for (;;) {
      try {
        const status = await request(new URL('plugins/mcr/status', candidate));
        if (status && typeof status === 'object' && 'ready' in status) {
          this.orthancRoot = candidate;
          return status;
        }
      } catch (error) {
        if (error instanceof NetworkError) throw error;
        lastError = error;
      }
      if (candidate.pathname === '/') break;
      candidate = new URL('../', candidate);
    }
    throw lastError || new ApiError(404, 'NotFound', 'The MCR plugin status route was not found above this page');
  }

  orthanc(path) {
    return new URL(path, this.orthancRoot || new URL('../', this.pluginRoot));
  }

  /** The plugin's status; the first successful call also locates Orthanc's base. */
  status() {
    if (!this.orthancRoot) return this.locateOrthanc();
    return request(this.orthanc('plugins/mcr/status'));
  }
  job(id) { return request(this.orthanc(`jobs/${encodeURIComponent(id)}`)); }
  study(id) { return request(this.orthanc(`studies/${encodeURIComponent(id)}`)); }
  studySeries(id) { return request(this.orthanc(`studies/${encodeURIComponent(id)}/series`)); }
  instanceTags(id) { return request(this.orthanc(`instances/${encodeURIComponent(id)}/tags?simplify`)); }
  previewUrl(instanceId) { return this.orthanc(`instances/${encodeURIComponent(instanceId)}/preview`).href; }
  explorerStudyUrl(studyId) { return this.orthanc(`app/explorer.html#study?uuid=${encodeURIComponent(studyId)}`).href; }

  /** POST {root}search with exactly one of text/instance/study plus options. */
  search(query) { return request(new URL('search', this.pluginRoot), json('POST', query)); }

  /**
   * POST {root}search/upload with the file's raw bytes. The options travel as JSON in the
   * X-MCR-Search header: Orthanc hands a POST's query string to no plugin.
   */
  searchUpload(file, options) {
    const headers = { 'Content-Type': 'application/octet-stream' };
    const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    if (Object.keys(set).length) headers['X-MCR-Search'] = JSON.stringify(set);
    return request(new URL('search/upload', this.pluginRoot), { method: 'POST', headers, body: file });
  }

  similarStudies(studyId, options) {
    const url = withQuery(new URL(`studies/${encodeURIComponent(studyId)}/similar`, this.pluginRoot), options);
    return request(url);
  }
}
