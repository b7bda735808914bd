/**
 * A report as a few kinds of blocks, written once and rendered twice: markdown for the terminal and
 * a self-contained printable HTML page (inline CSS with print rules, inline SVG, no external assets).
 * The post-incident and monthly reports both build blocks; only this file knows the two formats.
 */
import { html } from './report-words.ts';

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  /** An inline SVG picture (HTML only; markdown has the same figures in a table beside it). */
  | { kind: 'svg'; svg: string; alt: string };

export interface ReportDocument {
  title: string;
  lang: string;
  blocks: Block[];
  footer: string;
}

const cellMd = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(doc: ReportDocument): string {
  const out = [`# ${doc.title}`, ''];
  for (const b of doc.blocks) {
    if (b.kind === 'heading') out.push(`## ${b.text}`, '');
    else if (b.kind === 'text') out.push(b.text, '');
    else if (b.kind === 'list') out.push(...b.items.map((i) => `- ${i.replace(/\n/g, ' ')}`), '');
    else if (b.kind === 'table')
      out.push(
        `| ${b.head.map(cellMd).join(' | ')} |`,
        `|${b.head.map(() => '---').join('|')}|`,
        ...b.rows.map((r) => `| ${r.map(cellMd).join(' | ')} |`),
        '',
      );
  }
  out.push(`_${doc.footer}_`);
  return `${out.join('\n')}\n`;
}

const STYLE = `
body{font:14px/1.5 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#111;margin:2rem auto;max-width:60rem;padding:0 1rem}
h1{font-size:1.5rem;border-bottom:2px solid #222;padding-bottom:.3rem}
h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #bbb}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}
figure{margin:.5rem 0}
svg{max-width:100%;height:auto}
footer{margin-top:2rem;color:#555;font-size:.85rem}
@media print{
  body{margin:0;max-width:none;font-size:11pt}
  h2{break-after:avoid}
  table,figure,li{break-inside:avoid}
  th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  @page{size:A4;margin:15mm}
}`;

export function toHtml(doc: ReportDocument): string {
  const body: string[] = [`<h1>${html(doc.title)}</h1>`];
  for (const b of doc.blocks) {
    if (b.kind === 'heading') body.push(`<h2>${html(b.text)}</h2>`);
    else if (b.kind === 'text') body.push(`<p>${html(b.text)}</p>`);
    else if (b.kind === 'list') body.push(`<ul>${b.items.map((i) => `<li>${html(i)}</li>`).join('')}</ul>`);
    else if (b.kind === 'table')
      body.push(
        `<table><thead><tr>${b.head.map((h) => `<th>${html(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
          .map((r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
      );
    else body.push(`<figure role="img" aria-label="${html(b.alt)}">${b.svg}</figure>`);
  }
  return `<!doctype html>
<html lang="${html(doc.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(doc.title)}</title><style>${STYLE}</style></head>
<body>
${body.join('\n')}
<footer>${html(doc.footer)}</footer>
</body></html>
`;
}
