// The detail panel of one result: the image larger, the study's full report (from its SR in
// Orthanc), and actions that search again from this item, plus a link to Orthanc Explorer.
import { NetworkError } from './api.js';
import { h, formatScore, formatStudyDate } from './dom.js';
import { highlighted } from './highlight.js';
import { findStudyImage, loadStudyReports } from './report.js';
import { thumbnailInstance } from './results.js';

export class DetailPanel {
  /**
   * @param actions {reportsLikeImage(instanceId), imagesLikeReport(instanceId), similarStudies(studyId)}
   */
  constructor(api, element, actions) {
    this.api = api;
    this.element = element;
    this.actions = actions;
    this.returnFocus = null;
    this.generation = 0;
    element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
  }

  get isOpen() { return !this.element.hidden; }

  close({ restoreFocus = true } = {}) {
    this.generation += 1;
    this.element.hidden = true;
    this.element.replaceChildren();
    document.body.classList.remove('detail-open');
    if (restoreFocus && this.returnFocus?.isConnected) this.returnFocus.focus();
    this.returnFocus = null;
  }

  /** Opens the panel on `result` of a search over `target`; `words` are highlighted. */
  open(result, { target, words, returnFocus }) {
    const generation = ++this.generation;
    this.returnFocus = returnFocus || null;
    const imageInstance = thumbnailInstance(result, target);
    const isReportHit = target === 'reports' && Boolean(result.instance);

    const heading = h('h2', { id: 'detail-title', tabindex: '-1' },
      `Study of ${formatStudyDate(result.studyDate)}`, result.modality ? ` · ${result.modality}` : '');
    const figure = h('figure', { class: 'detail-image' });
    const patientLine = h('p', { class: 'detail-patient' }, 'Loading study…');
    const reportSection = h('section', { class: 'detail-report', 'aria-labelledby': 'detail-report-title' },
      h('h3', { id: 'detail-report-title' }, 'Report'),
      h('div', { class: 'report-body', 'aria-busy': 'true' }, 'Loading the report…'));

    const reportsLike = h('button', { type: 'button', id: 'action-reports-like', disabled: true },
      'Reports like this image');
    const similar = h('button', { type: 'button', id: 'action-similar-studies' }, 'Similar studies');
    similar.addEventListener('click', () => this.actions.similarStudies(result.study));
    const buttons = [reportsLike, similar];
    if (isReportHit) {
      const imagesLike = h('button', { type: 'button', id: 'action-images-like' }, 'Images like this report');
      imagesLike.addEventListener('click', () => this.actions.imagesLikeReport(result.instance));
      buttons.push(imagesLike);
    }
    const explorer = h('a', { class: 'button-link', id: 'action-explorer', href: this.api.explorerStudyUrl(result.study),
      target: '_blank', rel: 'noopener' }, 'Open study in Orthanc Explorer');

    this.element.replaceChildren(
      h('div', { class: 'detail-header' }, heading,
        h('button', { type: 'button', class: 'close', 'aria-label': 'Close details', onclick: () => this.close() }, '×')),
      h('div', { class: 'detail-actions', role: 'group', 'aria-label': 'Search from this item' }, ...buttons, explorer),
      figure,
      h('p', { class: 'detail-meta' }, `Score ${formatScore(result.score)}`),
      patientLine,
      reportSection);
    this.element.hidden = false;
    document.body.classList.add('detail-open');
    heading.focus();

    const stale = () => generation !== this.generation;
    const showImage = (instance) => {
      if (stale()) return;
      if (!instance) {
        figure.replaceChildren(h('figcaption', {}, 'This study has no image.'));
        return;
      }
      figure.replaceChildren(h('img', { src: this.api.previewUrl(instance), alt: 'Image of the study' }));
      reportsLike.disabled = false;
      reportsLike.addEventListener('click', () => this.actions.reportsLikeImage(instance));
    };
    if (imageInstance) showImage(imageInstance);
    else findStudyImage(this.api, result.study).then(showImage, () => showImage(null));

    this.api.study(result.study).then((study) => {
      if (stale()) return;
      const patient = study.PatientMainDicomTags || {};
      const tags = study.MainDicomTags || {};
      patientLine.replaceChildren(
        `Patient ${patient.PatientName || '?'} (${patient.PatientID || 'no id'})`,
        tags.StudyDescription ? ` · ${tags.StudyDescription}` : '',
        tags.AccessionNumber ? ` · accession ${tags.AccessionNumber}` : '');
    }, (error) => {
      if (!stale()) patientLine.textContent = describeLoadError('study', error);
    });

    loadStudyReports(this.api, result.study).then((reports) => {
      if (stale()) return;
      const body = reportSection.querySelector('.report-body');
      body.removeAttribute('aria-busy');
      if (!reports.length) {
        body.replaceChildren(result.snippet ? highlighted(result.snippet, words)
          : h('em', {}, 'This study has no report in the PACS.'));
        return;
      }
      // A section's name is shown once, before its first paragraph.
      const nodes = [];
      for (const { paragraphs } of reports) {
        let section = null;
        for (const { heading: label, text } of paragraphs) {
          if (label && label !== section) nodes.push(h('h4', {}, label));
          section = label;
          nodes.push(h('p', {}, highlighted(text, words)));
        }
      }
      body.replaceChildren(...nodes);
    }, (error) => {
      if (stale()) return;
      const body = reportSection.querySelector('.report-body');
      body.removeAttribute('aria-busy');
      body.replaceChildren(describeLoadError('report', error));
    });
  }
}

function describeLoadError(what, error) {
  if (error instanceof NetworkError) return `Cannot load the ${what}: the server is unreachable.`;
  return `Cannot load the ${what}: ${error.message}`;
}
