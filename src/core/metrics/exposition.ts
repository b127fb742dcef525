// The Prometheus text exposition format (version 0.0.4), the format node_exporter's textfile
// collector reads: `# HELP` and `# TYPE` once per metric family, then its samples, one per line.
// Label values are escaped as the format defines (backslash, double quote, line feed); no
// timestamps (the textfile collector refuses them); every family's samples stay together.

export type MetricType = 'gauge' | 'counter' | 'untyped';

export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the format writes it between double quotes. */
export function escapeLabelValue(value: string): string {
  // Any other character, control characters included, is written as it is: the format allows
  // every UTF-8 character there. (A lone surrogate becomes U+FFFD when the text is encoded.)
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: only backslash and line feed are escaped there. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Go's ParseFloat (Prometheus' parser) reads it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelsText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return '';
  for (const [name] of entries) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name: ${name}`);
  }
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/**
 * The text of all families. Families without samples are left out (a HELP with no sample is
 * legal but tells a reader nothing). Throws on an invalid name or a repeated series: both are
 * programming errors that would make the whole file unreadable to the collector.
 */
export function renderExposition(families: MetricFamily[]): string {
  const lines: string[] = [];
  const names = new Set<string>();
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name: ${family.name}`);
    if (names.has(family.name)) throw new Error(`metric family written twice: ${family.name}`);
    names.add(family.name);
    if (!family.samples.length) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    const series = new Set<string>();
    for (const sample of family.samples) {
      const labels = labelsText(sample.labels);
      if (series.has(labels)) throw new Error(`series written twice: ${family.name}${labels}`);
      series.add(labels);
      lines.push(`${family.name}${labels} ${formatValue(sample.value)}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
