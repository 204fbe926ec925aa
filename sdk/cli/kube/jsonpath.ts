// kubectl's JSONPath templates (`-o jsonpath='{.items[*].metadata.name}'`):
// text with `{...}` actions. An action is a path (`.spec.replicas`,
// `.items[*].status.conditions[?(@.type=="Ready")].status`, `..name`, a
// label key with escaped dots `.metadata.labels.app\.kubernetes\.io/name`), a
// string literal (`{"\n"}`), or `range PATH` ... `end`, whose body runs once
// per match with paths relative to it. The paths themselves are evaluated by
// jsonpath-plus; what this module adds is kubectl's template language around
// them and its printing: matches joined by spaces, strings bare, maps and
// lists as JSON, missing keys printing nothing (kubectl's default
// --allow-missing-template-keys).

import { JSONPath } from 'jsonpath-plus';

/** A parsed template. */
export type TemplateNode =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'path'; readonly path: string }
  | { readonly type: 'range'; readonly path: string; readonly body: readonly TemplateNode[] };

/** A template kubectl would refuse, with its message. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Parses a kubectl JSONPath template; TemplateError names what is wrong. */
export function parseJsonPathTemplate(template: string): TemplateNode[] {
  const stack: { path: string; body: TemplateNode[] }[] = [];
  let nodes: TemplateNode[] = [];
  const root = nodes;
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf('{', position);
    if (open < 0) {
      nodes.push({ type: 'text', text: template.slice(position) });
      break;
    }
    if (open > position) nodes.push({ type: 'text', text: template.slice(position, open) });
    const close = closingBrace(template, open);
    if (close < 0) throw new TemplateError(`unclosed action in ${template}`);
    const action = template.slice(open + 1, close).trim();
    position = close + 1;
    if (action === 'end') {
      const range = stack.pop();
      if (!range) throw new TemplateError(`not in range, nothing to end in ${template}`);
      nodes = stack[stack.length - 1]?.body ?? root;
      nodes.push({ type: 'range', path: range.path, body: range.body });
    } else if (action.startsWith('range ')) {
      const range = { path: pathOf(action.slice('range '.length).trim()), body: [] };
      stack.push(range);
      nodes = range.body;
    } else if (action.startsWith('"') || action.startsWith("'")) {
      nodes.push({ type: 'text', text: stringLiteral(action) });
    } else if (action !== '') {
      nodes.push({ type: 'path', path: pathOf(action) });
    }
  }
  if (stack.length > 0) throw new TemplateError(`unclosed range in ${template}`);
  return root;
}

/** Runs a parsed template on `data`. */
export function executeJsonPathTemplate(nodes: readonly TemplateNode[], data: unknown): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'path') out += matches(node.path, data).map(printed).join(' ');
    else {
      for (const item of matches(node.path, data)) out += executeJsonPathTemplate(node.body, item);
    }
  }
  return out;
}

/** The values a path matches in `data` (none when a key is missing). */
export function jsonPathMatches(expression: string, data: unknown): unknown[] {
  return matches(pathOf(expression), data);
}

function matches(path: string, data: unknown): unknown[] {
  if (data === null || typeof data !== 'object') return [];
  const found: unknown = JSONPath({ path, json: data as object, wrap: true });
  return Array.isArray(found) ? found : [];
}

/** A value as kubectl prints it in a template. */
export function printed(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The index of the `}` closing the action opened at `open`, skipping quoted text and nested brackets. */
function closingBrace(template: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < template.length; i++) {
    const c = template[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

function stringLiteral(action: string): string {
  const quote = action[0];
  if (action.length < 2 || action[action.length - 1] !== quote) {
    throw new TemplateError(`unterminated string in {${action}}`);
  }
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    '"': '"',
    "'": "'",
  };
  return action.slice(1, -1).replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}

/**
 * A kubectl path as a jsonpath-plus path: rooted at `$`, a name with escaped
 * dots or other characters in bracket notation (`['app.kubernetes.io/name']`).
 */
function pathOf(expression: string): string {
  let rest =
    expression.startsWith('$') || expression.startsWith('@') ? expression.slice(1) : expression;
  if (rest !== '' && !rest.startsWith('.') && !rest.startsWith('[')) rest = `.${rest}`;
  let path = '$';
  let i = 0;
  while (i < rest.length) {
    const c = rest[i];
    if (c === '[') {
      const end = closingBracket(rest, i);
      path += rest.slice(i, end + 1);
      i = end + 1;
    } else if (c === '.') {
      if (rest[i + 1] === '.') {
        path += '..';
        i += 2;
      } else i += 1;
      let name = '';
      while (i < rest.length && rest[i] !== '.' && rest[i] !== '[') {
        if (rest[i] === '\\' && i + 1 < rest.length) i++;
        name += rest[i];
        i++;
      }
      if (name === '') continue;
      const plain = /^[A-Za-z_*][A-Za-z0-9_-]*$/.test(name) || name === '*';
      path += plain
        ? path.endsWith('..')
          ? name
          : `.${name}`
        : `['${name.replace(/'/g, "\\'")}']`;
    } else throw new TemplateError(`unrecognized character in action: ${expression}`);
  }
  return path;
}

function closingBracket(text: string, open: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new TemplateError(`unterminated array in ${text}`);
}
