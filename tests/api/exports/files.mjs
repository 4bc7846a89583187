// Reading what the exports produce, without a spreadsheet library: CSV
// (with its lines stating the report) and XLSX (a zip of XML parts,
// read with zlib and a few regular expressions: enough for the cells,
// styles, frozen pane, filter and column widths these tests look at).
import { inflateRawSync } from 'node:zlib';

// The parts of a zip file by name, as Buffers.
export function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const parts = {};
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    parts[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    p += 46 + nameLen + extra + comment;
  }
  return parts;
}

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// Column letters to a 0-based index.
const colIndex = (ref) => [...ref.match(/^[A-Z]+/)[0]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

// A workbook: per sheet its rows (arrays of cells {type, value, format}),
// and the sheet XML for the rest. type: 'string' or 'number'; format: the
// number format code of the cell's style, or ''.
export function readXlsx(buf) {
  const parts = unzip(buf);
  const styles = parts['xl/styles.xml'].toString('utf8');
  const fmts = { 0: '', 1: '0' };
  for (const m of styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)) fmts[m[1]] = unxml(m[2]);
  const xfs = styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/)[1];
  const styleFmt = [...xfs.matchAll(/<xf [^>]*numFmtId="(\d+)"/g)].map((m) => fmts[m[1]] ?? `builtin ${m[1]}`);
  const sheets = Object.keys(parts).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort()
    .map((name) => {
      const xml = parts[name].toString('utf8');
      const rows = [];
      for (const row of xml.matchAll(/<row r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
        const cells = [];
        for (const c of row[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
          const attrs = c[2];
          const s = Number((attrs.match(/ s="(\d+)"/) || [0, 0])[1]);
          const inline = attrs.includes('t="inlineStr"') || attrs.includes('t="str"');
          const body = c[3] || '';
          cells[colIndex(c[1])] = inline
            ? { type: 'string', value: unxml((body.match(/<t[^>]*>([\s\S]*?)<\/t>/) || [0, ''])[1]), format: styleFmt[s] ?? '' }
            : { type: 'number', value: Number((body.match(/<v>([^<]*)<\/v>/) || [0, NaN])[1]), format: styleFmt[s] ?? '' };
        }
        rows[Number(row[1]) - 1] = cells;
      }
      const widths = [...xml.matchAll(/<col min="(\d+)" max="(\d+)" width="([\d.]+)"/g)]
        .map((m) => ({ min: Number(m[1]), max: Number(m[2]), width: Number(m[3]) }));
      return { xml, rows, widths };
    });
  return { parts, sheets };
}

// An Excel date serial as YYYY-MM-DD (and time when there is one).
export function excelDate(serial) {
  const ms = Math.round((serial - 25569) * 86400000);
  const iso = new Date(ms).toISOString();
  return Number.isInteger(serial) ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

// A CSV export: the byte order mark checked off, the lines above the
// columns as {label: value}, the column names, and the records (RFC 4180).
export function readCsv(buf) {
  if (buf[0] !== 0xef || buf[1] !== 0xbb || buf[2] !== 0xbf) throw new Error('no byte order mark');
  const text = buf.subarray(3).toString('utf8');
  const records = [];
  let rec = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { rec.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      rec.push(field); records.push(rec); rec = []; field = ''; i++;
    } else field += ch;
  }
  if (field !== '' || rec.length) throw new Error('the last record does not end with CRLF');
  const blank = records.findIndex((r) => r.length === 1 && r[0] === '');
  const preamble = Object.fromEntries(records.slice(0, blank));
  return { preamble, columns: records[blank + 1], rows: records.slice(blank + 2) };
}
