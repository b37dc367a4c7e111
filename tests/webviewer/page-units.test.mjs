// Unit tests of the page's DOM-free logic (webviewer/app/js), run by Node's test runner.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatScore, formatStudyDate, plural, toDicomDate } from '../../webviewer/app/js/dom.js';
import { focusSnippet, queryWords, splitHighlights } from '../../webviewer/app/js/highlight.js';
import { srParagraphs } from '../../webviewer/app/js/report.js';
import { thumbnailInstance } from '../../webviewer/app/js/results.js';

const marked = (parts) => parts.filter((p) => p.match).map((p) => p.text);

test('queryWords keeps the meaningful words, longest first, once each', () => {
  assert.deepEqual(queryWords('Small RIGHT pleural effusion and the small one'), ['effusion', 'pleural', 'small', 'right', 'one']);
  assert.deepEqual(queryWords(''), []);
  assert.deepEqual(queryWords(undefined), []);
  assert.deepEqual(queryWords('of the a'), []);
});

test('splitHighlights marks whole words and their continuations, case-insensitively', () => {
  const text = 'Small right pleural effusions. No effusion on the left; smaller heart.';
  const parts = splitHighlights(text, queryWords('small effusion'));
  assert.equal(parts.map((p) => p.text).join(''), text, 'no character is lost or added');
  assert.deepEqual(marked(parts), ['Small', 'effusions', 'effusion', 'smaller']);
});

test('splitHighlights does not mark inside words and survives regex characters', () => {
  assert.deepEqual(marked(splitHighlights('cardiomegaly, megaly', ['megaly'])), ['megaly']);
  const tricky = splitHighlights('a (c+) b [x]', queryWords('(c+) [x]'));
  assert.deepEqual(marked(tricky), ['c', 'x']);
  assert.deepEqual(splitHighlights('', ['x']), []);
  assert.deepEqual(splitHighlights('text', []), [{ text: 'text', match: false }]);
});

test('splitHighlights handles non-ASCII letters', () => {
  assert.deepEqual(marked(splitHighlights('Épanchement pleural droit', queryWords('épanchement'))), ['Épanchement']);
});

test('study dates and DICOM dates convert both ways', () => {
  assert.equal(formatStudyDate('20240115'), '2024-01-15');
  assert.equal(formatStudyDate(''), 'no date');
  assert.equal(formatStudyDate('2024'), '2024');
  assert.equal(toDicomDate('2024-01-15'), '20240115');
  assert.equal(toDicomDate(''), undefined);
  assert.equal(formatScore(0.81234), '0.812');
  assert.equal(formatScore(undefined), '–');
  assert.equal(plural(1, 'study', 'studies'), '1 study');
  assert.equal(plural(2, 'image'), '2 images');
});

test('srParagraphs reads the text items of an SR content tree in order, with their sections', () => {
  const sr = {
    ConceptNameCodeSequence: [{ CodeMeaning: 'Radiology Report' }],
    ContentSequence: [
      { ValueType: 'CONTAINER', ConceptNameCodeSequence: [{ CodeMeaning: 'Findings' }], ContentSequence: [
        { ValueType: 'TEXT', ConceptNameCodeSequence: [{ CodeMeaning: 'Findings' }], TextValue: 'Small right effusion.' },
        { ValueType: 'TEXT', ConceptNameCodeSequence: [{ CodeMeaning: 'Finding' }], TextValue: 'Heart size normal.  ' },
      ] },
      { ValueType: 'TEXT', ConceptNameCodeSequence: [{ CodeMeaning: 'Impression' }], TextValue: 'IMPRESSION: No acute disease.' },
      { ValueType: 'CODE', ConceptNameCodeSequence: [{ CodeMeaning: 'Finding' }] },
      { ValueType: 'TEXT', TextValue: '' },
    ],
  };
  assert.deepEqual(srParagraphs(sr), [
    { heading: 'Findings', text: 'Small right effusion.' },
    { heading: 'Findings', text: 'Heart size normal.' }, // the section names it, not the item
    { heading: '', text: 'IMPRESSION: No acute disease.' }, // the text carries its own heading
  ]);
  assert.deepEqual(srParagraphs({}), []);
  assert.deepEqual(srParagraphs(null), []);
});

test('thumbnails: own image for image hits, preview instance for studies, none for reports', () => {
  assert.equal(thumbnailInstance({ instance: 'i1', modality: 'CR' }, 'images'), 'i1');
  assert.equal(thumbnailInstance({ instance: 'sr1', modality: 'SR' }, 'reports'), null);
  assert.equal(thumbnailInstance({ instance: 'sr1' }, 'reports'), null);
  assert.equal(thumbnailInstance({ previewInstance: 'i9' }, 'studies'), 'i9');
  assert.equal(thumbnailInstance({}, 'studies'), null);
});

test('focusSnippet starts a long snippet at the sentence of the first marked word', () => {
  const report = 'FINDINGS: The heart and mediastinum are unremarkable. Pulmonary vascularity is normal. ' +
    'There is no pneumothorax. Low lung volumes. IMPRESSION: Low lung volumes.';
  assert.equal(focusSnippet(report, queryWords('low lung volumes')), '… Low lung volumes. IMPRESSION: Low lung volumes.');
  assert.equal(focusSnippet('Low lung volumes early on.', queryWords('lung')), 'Low lung volumes early on.', 'an early match keeps the start');
  assert.equal(focusSnippet(report, queryWords('pacemaker')), report, 'no match: unchanged');
  assert.equal(focusSnippet(report, []), report);
  assert.equal(focusSnippet(undefined, ['x']), '');
});
