// The text of `skiff describe`, written the way kubectl's describers write it:
// `Label:\tvalue` lines at indentation levels of two spaces, aligned by Go's
// tabwriter (tabwriter.ts) between flushes; labels and annotations one per
// line; times as RFC 1123 with a numeric zone.

import { alignTabs } from './tabwriter.js';

/** Annotations longer than this are cut (kubectl's limit), the last-applied one hidden. */
const MAX_ANNOTATION_LENGTH = 140;
const HIDDEN_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/** Accumulates describe output; toString() aligns it. */
export class DescribeWriter {
  private readonly flushed: string[] = [];
  private current = '';

  /** A raw line at `level`; tabs in it separate aligned cells. */
  line(level: number, text: string): void {
    this.current += '  '.repeat(level) + text + '\n';
  }

  /** `Label:\tvalue`, or `Label:` alone (a heading) when `value` is undefined. */
  field(level: number, label: string, value?: string | number | boolean): void {
    this.line(level, value === undefined ? `${label}:` : `${label}:\t${value}`);
  }

  /** `Title:\tk=v` then one `\tk=v` line per further label (sorted), or `<none>`. */
  labels(level: number, title: string, labels: Readonly<Record<string, string>> | undefined): void {
    const entries = sortedEntries(labels ?? {});
    this.multiline(
      level,
      title,
      entries.map(([key, value]) => `${key}=${value}`),
    );
  }

  /** Like labels, `key: value`, long values cut, the last-applied configuration left out. */
  annotations(
    level: number,
    title: string,
    annotations: Readonly<Record<string, string>> | undefined,
  ): void {
    const entries = sortedEntries(annotations ?? {}).filter(
      ([key]) => !HIDDEN_ANNOTATIONS.has(key),
    );
    this.multiline(
      level,
      title,
      entries.map(([key, value]) => {
        const text = `${key}: ${value}`;
        return text.length > MAX_ANNOTATION_LENGTH
          ? `${text.slice(0, MAX_ANNOTATION_LENGTH)}...`
          : text;
      }),
    );
  }

  /** `Title:\tfirst`, then `\tnext` lines; `<none>` for no values. */
  multiline(level: number, title: string, values: readonly string[]): void {
    if (values.length === 0) return this.field(level, title, '<none>');
    values.forEach((value, index) =>
      this.line(level, index === 0 ? `${title}:\t${value}` : `\t${value}`),
    );
  }

  /** An empty line. */
  blank(): void {
    this.current += '\n';
  }

  /** Ends the current alignment run (kubectl flushes before tables such as Events). */
  flush(): void {
    this.flushed.push(alignTabs(this.current.replace(/\n$/, '')) + (this.current ? '\n' : ''));
    this.current = '';
  }

  toString(): string {
    this.flush();
    return this.flushed.join('');
  }
}

function sortedEntries(map: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mon, 02 Jan 2006 15:04:05 -0700` in local time (Go's RFC1123Z, as kubectl prints times). */
export function formatTime(timestamp: string | undefined): string {
  if (!timestamp) return '<unknown>';
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const zone = `${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `${DAYS[date.getDay()]}, ${pad(date.getDate())} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`
  );
}
