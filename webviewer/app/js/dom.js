// Small DOM and formatting helpers shared by the page's modules.

/** h('div', {class: 'x', onclick: fn}, child, 'text') → element. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

/** "20240115" → "2024-01-15"; anything else as is, "" → "no date". */
export function formatStudyDate(yyyymmdd) {
  if (!yyyymmdd) return 'no date';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : yyyymmdd;
}

/** "2024-01-15" (an <input type=date> value) → "20240115"; "" → undefined. */
export function toDicomDate(isoDate) {
  return isoDate ? isoDate.replaceAll('-', '') : undefined;
}

export function formatScore(score) {
  return typeof score === 'number' ? score.toFixed(3) : '–';
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
