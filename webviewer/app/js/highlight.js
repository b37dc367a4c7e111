// Marks the query's words in a report snippet, building DOM nodes (never innerHTML: report
// text comes from the PACS and must not be able to inject markup).

// Words too common in radiology prose to be worth marking.
const STOP_WORDS = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'in', 'is',
  'of', 'on', 'or', 'the', 'there', 'to', 'with']);

/** The distinct words of a query worth highlighting, lowercase, longest first. */
export function queryWords(query) {
  const words = (query || '').toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  const kept = [...new Set(words.filter((w) => !STOP_WORDS.has(w)))];
  return kept.sort((a, b) => b.length - a.length);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Splits `text` into [{text, match}] parts: a part matches when it is a word starting with
 * one of `words` ("effusion" also marks "effusions"), case-insensitively.
 */
export function splitHighlights(text, words) {
  if (!text) return [];
  if (!words.length) return [{ text, match: false }];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const parts = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    if (found.index > last) parts.push({ text: text.slice(last, found.index), match: false });
    parts.push({ text: found[0], match: true });
    last = found.index + found[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

/** A DocumentFragment of `text` with <mark> around the query's words. */
export function highlighted(text, words) {
  const fragment = document.createDocumentFragment();
  for (const part of splitHighlights(text, words)) {
    if (part.match) {
      const mark = document.createElement('mark');
      mark.textContent = part.text;
      fragment.append(mark);
    } else {
      fragment.append(part.text);
    }
  }
  return fragment;
}

/**
 * A report snippet shown in a few lines should show why it matched: when the first marked
 * word comes late, start at the beginning of its sentence, with "… " in front.
 */
export function focusSnippet(text, words, lead = 80) {
  if (!text || !words.length) return text || '';
  const first = splitHighlights(text, words).reduce((acc, part) => {
    if (acc.found) return acc;
    return part.match ? { at: acc.at, found: true } : { at: acc.at + part.text.length, found: false };
  }, { at: 0, found: false });
  if (!first.found || first.at <= lead) return text;
  // The start of the sentence holding the match: after the last ". " / ": " / newline before it.
  const before = text.slice(0, first.at);
  const boundary = Math.max(before.lastIndexOf('. '), before.lastIndexOf(': '), before.lastIndexOf('\n'));
  const start = boundary >= 0 ? boundary + 2 : first.at;
  return `… ${text.slice(start).trimStart()}`;
}
