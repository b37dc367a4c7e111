// Test data: mcr-synth studies stored into Orthanc, with the map from Orthanc study ids back
// to each study's manifest row (its report text and findings: the ground truth).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findingHead, readManifest } from './manifest.mjs';

/** Runs mcr-synth and returns its manifest rows (paths made absolute). */
export function synthesize({ synth, count, outDir, seed, format }) {
  execFileSync(synth, ['--grammar', String(count), '--out', outDir, '--seed', String(seed), '--format', format],
    { stdio: ['ignore', 'pipe', 'inherit'], timeout: 300000 });
  const rows = readManifest(fs.readFileSync(path.join(outDir, 'manifest.csv'), 'utf8'));
  for (const row of rows) {
    row.imagePaths = row.image_path.split(';').filter(Boolean).map((p) => path.resolve(outDir, p));
    row.reportPath = row.report_path ? path.resolve(outDir, row.report_path) : '';
  }
  return rows;
}

/**
 * Stores every row's image(s) and SR report through Orthanc's REST API. Resolves to a Map
 * Orthanc study id -> row (row.orthancStudy, row.orthancImages are filled in).
 */
export async function storeStudies(orthanc, rows) {
  const byStudy = new Map();
  for (const row of rows) {
    row.orthancImages = [];
    for (const image of row.imagePaths) {
      const stored = await orthanc.storeDicom(image);
      row.orthancStudy = stored.ParentStudy;
      row.orthancImages.push(stored.ID);
    }
    if (row.reportPath) {
      const stored = await orthanc.storeDicom(row.reportPath);
      row.orthancStudy = stored.ParentStudy;
      row.orthancReport = stored.ID;
    }
    byStudy.set(row.orthancStudy, row);
  }
  return byStudy;
}

/** Of `candidates`, the finding head carried by the most rows (ties: alphabetical), with its count. */
export function mostCommonFinding(rows, candidates) {
  const counts = new Map();
  for (const row of rows) {
    for (const head of new Set(row.findings.map(findingHead))) {
      if (candidates.includes(head)) counts.set(head, (counts.get(head) || 0) + 1);
    }
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!sorted.length) throw new Error(`no synthetic study carries any of: ${candidates.join(', ')}`);
  return { finding: sorted[0][0], count: sorted[0][1] };
}

export function carries(row, head) {
  return row.findings.some((f) => findingHead(f) === head);
}
