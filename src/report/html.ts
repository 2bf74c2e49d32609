/**
 * HTML reports with plots: Vega-Lite specifications compiled to Vega and
 * rendered to SVG in Node (no browser, no canvas), inlined into one static
 * page that needs no script to display.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite specification to an SVG string. */
export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Escapes text for HTML. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An HTML table of `rows` over `columns` (numbers shown to 4 significant digits, full value in the title). */
export function htmlTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cell = (v: unknown) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
    return n === undefined || Number.isInteger(n) ? `<td>${esc(v ?? '')}</td>` : `<td title="${esc(v)}">${esc(n.toPrecision(4))}</td>`;
  };
  const head = columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => cell(r[c])).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A section of a report: a heading and HTML content. */
export interface ReportSection {
  title: string;
  html: string;
}

/** A complete standalone HTML page. */
export function htmlPage(title: string, sections: readonly ReportSection[]): string {
  const style = [
    'body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}',
    'table{border-collapse:collapse;font-size:13px;margin:0.5em 0}',
    'td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}',
    'th{background:#f3f3f3}',
    'figure{margin:1em 0}',
    '.note{color:#666;font-size:13px}',
  ].join('\n');
  const body = sections.map((s) => `<section>\n<h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${esc(title)}</title>\n<style>\n${style}\n</style>\n</head>\n<body>\n<h1>${esc(title)}</h1>\n${body}\n</body>\n</html>\n`;
}
