// The result grid: one card per hit with its thumbnail (Orthanc's /instances/{id}/preview),
// score, study date, modality and the report snippet with the query's words marked.
import { h, formatScore, formatStudyDate } from './dom.js';
import { focusSnippet, highlighted } from './highlight.js';

/** The image instance to show for a result, or null (a report hit has none of its own). */
export function thumbnailInstance(result, target) {
  if (result.instance && target !== 'reports' && result.modality !== 'SR') return result.instance;
  return result.previewInstance || null;
}

function thumbnail(api, result, target) {
  const instance = thumbnailInstance(result, target);
  if (!instance) {
    return h('span', { class: 'thumb thumb-report', 'aria-hidden': 'true' },
      h('img', { src: 'img/report.svg', alt: '' }), h('span', {}, 'Report'));
  }
  const image = h('img', {
    class: 'thumb', src: api.previewUrl(instance), alt: `Preview of ${result.modality || 'image'} instance`,
    loading: 'lazy', width: '180', height: '180', 'data-instance': instance,
  });
  image.addEventListener('error', () => {
    image.replaceWith(h('span', { class: 'thumb thumb-missing' }, 'No preview'));
  }, { once: true });
  return image;
}

/**
 * Renders `results` into the list `container`; `onSelect(result, index, card)` runs when a
 * card is chosen (click, Enter or Space: the cards are buttons).
 */
export function renderResults(container, results, { api, target, words, onSelect }) {
  const cards = results.map((result, index) => {
    const label = `Result ${index + 1}, score ${formatScore(result.score)}, ${formatStudyDate(result.studyDate)}`;
    const card = h('button', {
      type: 'button', class: 'card', 'aria-label': label,
      dataset: { index: String(index), study: result.study, instance: result.instance || '' },
    },
    thumbnail(api, result, target),
    h('span', { class: 'card-meta' },
      h('span', { class: 'rank' }, `#${index + 1}`),
      h('span', { class: 'score', title: 'cosine similarity' }, formatScore(result.score)),
      h('span', { class: 'date' }, formatStudyDate(result.studyDate)),
      result.modality ? h('span', { class: 'modality' }, result.modality) : null),
    h('span', { class: 'snippet' },
      result.snippet ? highlighted(focusSnippet(result.snippet, words), words) : h('em', {}, 'No report indexed for this study')));
    card.addEventListener('click', () => onSelect(result, index, card));
    return h('li', {}, card);
  });
  container.replaceChildren(...cards);
}

/** Arrow keys move between cards; Home/End jump to the first/last. */
export function enableGridKeys(container) {
  container.addEventListener('keydown', (event) => {
    const cards = [...container.querySelectorAll('.card')];
    const at = cards.indexOf(document.activeElement);
    if (at < 0) return;
    const perRow = Math.max(1, Math.round(container.clientWidth / cards[0].offsetWidth));
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: perRow, ArrowUp: -perRow,
      Home: -Infinity, End: Infinity };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = Math.min(cards.length - 1, Math.max(0, at + moves[event.key]));
    cards[next].focus();
  });
}
