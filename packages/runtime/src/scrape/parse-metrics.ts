/** One sample of the Prometheus text format: `name{label="value",...} value [timestamp]`. */
export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Record<string, string> = { n: '\n', '\\': '\\', '"': '"' };

/**
 * The samples of a /metrics body. Comments (HELP, TYPE) are skipped, and so is a
 * line that does not parse: one odd line must not blank the whole dashboard.
 */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample) samples.push(sample);
  }
  return samples;
}

function parseLine(line: string): Sample | undefined {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) return undefined;
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest);
    if (!parsed) return undefined;
    labels = parsed.labels;
    rest = rest.slice(parsed.end);
  }
  // What follows the value, if anything, is the optional timestamp: not needed here.
  const value = parseValue(rest.trim().split(/\s+/)[0] ?? '');
  return value === undefined ? undefined : { name, labels, value };
}

/** `{a="1",b="x\"y"}` at the start of `text`: the labels and where they end. */
function parseLabels(text: string): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = 1;
  const skipSpaces = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) return undefined;
    i += name.length;
    skipSpaces();
    if (text[i++] !== '=') return undefined;
    skipSpaces();
    if (text[i++] !== '"') return undefined;
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) {
        const escaped = text[i + 1]!;
        value += ESCAPES[escaped] ?? `\\${escaped}`;
        i += 2;
      } else {
        value += text[i++];
      }
    }
    if (text[i++] !== '"') return undefined;
    labels[name] = value;
    skipSpaces();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return undefined;
  }
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  // Number('') is 0: an empty value is a broken line, not a zero.
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/**
 * The sum of the finite samples of `name` whose labels include `labels`, or
 * undefined when none matches: missing is not the same as zero on a dashboard.
 */
export function sumOf(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  let sum: number | undefined;
  for (const sample of samples) {
    if (sample.name !== name || !Number.isFinite(sample.value)) continue;
    if (Object.entries(labels).some(([k, v]) => sample.labels[k] !== v)) continue;
    sum = (sum ?? 0) + sample.value;
  }
  return sum;
}

/** The sum of the values known (from several targets, say); undefined when none is. */
export function sumDefined(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? known.reduce((a, b) => a + b, 0) : undefined;
}
