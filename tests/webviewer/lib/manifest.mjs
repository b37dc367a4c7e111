// Reads mcr-synth's manifest.csv (RFC 4180: quoted fields may hold commas, quotes, newlines).

export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field); field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field); field = '';
      rows.push(row); row = [];
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** [{study_id, patient_id, image_path, report_path, report_text, findings: [...]}, ...] */
export function readManifest(text) {
  const [header, ...rows] = parseCsv(text);
  for (const column of ['study_id', 'image_path', 'report_path', 'findings']) {
    if (!header.includes(column)) throw new Error(`manifest.csv has no '${column}' column (header: ${header.join(',')})`);
  }
  return rows.map((cells) => {
    const record = Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
    record.findings = record.findings ? record.findings.split(';').map((f) => f.trim()).filter(Boolean) : [];
    return record;
  });
}

/** The finding's head term: "pleural effusion/right/small" -> "pleural effusion". */
export function findingHead(finding) {
  return finding.split('/')[0].trim();
}
