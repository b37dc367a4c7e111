// The full report of a study, read from its DICOM SR instance(s) through Orthanc's REST API
// (/studies/{id}/series, /instances/{id}/tags?simplify), so the page shows what the PACS
// holds, not only the plugin's snippet.

function conceptName(item) {
  return item?.ConceptNameCodeSequence?.[0]?.CodeMeaning || '';
}

/** Paragraphs of an SR content tree: [{heading, text}], depth-first in document order. */
export function srParagraphs(dataset) {
  const paragraphs = [];
  const walk = (items, heading) => {
    for (const item of items || []) {
      const name = conceptName(item);
      if (item.ValueType === 'CONTAINER') {
        walk(item.ContentSequence, name || heading);
      } else if (item.ValueType === 'TEXT' && item.TextValue) {
        const text = String(item.TextValue).trim();
        // The section (container) names the paragraph; a text item outside any section
        // falls back to its own concept name. No label when the text starts with it
        // ("FINDINGS: ...").
        let label = heading || name;
        if (label && text.toLowerCase().startsWith(label.toLowerCase())) label = '';
        paragraphs.push({ heading: label, text });
      }
    }
  };
  walk(dataset?.ContentSequence, '');
  return paragraphs;
}

/** Loads every SR of the study; resolves to [{instance, paragraphs}] (empty: no report). */
export async function loadStudyReports(api, studyId) {
  const series = await api.studySeries(studyId);
  const reports = [];
  for (const s of series) {
    if (s.MainDicomTags?.Modality !== 'SR') continue;
    for (const instance of s.Instances || []) {
      const tags = await api.instanceTags(instance);
      const paragraphs = srParagraphs(tags);
      if (paragraphs.length) reports.push({ instance, paragraphs });
    }
  }
  return reports;
}

/** The first image instance (CR/DX/any non-SR series) of a study, or null. */
export async function findStudyImage(api, studyId) {
  const series = await api.studySeries(studyId);
  const images = series.filter((s) => s.MainDicomTags?.Modality !== 'SR' && (s.Instances || []).length);
  const preferred = images.find((s) => ['CR', 'DX'].includes(s.MainDicomTags?.Modality)) || images[0];
  return preferred ? preferred.Instances[0] : null;
}
