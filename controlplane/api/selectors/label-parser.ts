// The label selector string form, parsed as apimachinery's labels.Parse
// does (the same lexer, grammar and error messages):
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ <set-based-restriction> | <exact-match-restriction> ]
//   <set-based>   ::= ("in" | "notin") "(" VALUE ["," VALUE]* ")"
//   <exact-match> ::= ("=" | "==" | "!=" | ">" | "<") VALUE
//
// Keys must be qualified names and values label values.

import { formatValue } from '../validation/field-errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import {
  SelectorError,
  sortRequirements,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirements.js';

type TokenKind =
  | 'error'
  | 'end'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  readonly kind: TokenKind;
  readonly literal: string;
}

const KEYWORDS: Readonly<Record<string, TokenKind>> = {
  ')': 'closedPar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

/** Splits `text` into tokens, as Kubernetes' Lexer does. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && WHITESPACE.has(text.charAt(pos))) pos++;
    if (pos >= text.length) {
      tokens.push({ kind: 'end', literal: '' });
      return tokens;
    }
    if (SPECIAL.has(text.charAt(pos))) {
      // The longest run of special characters that is an operator.
      let buffer = '';
      let last: Token | undefined;
      while (pos < text.length && SPECIAL.has(text.charAt(pos))) {
        buffer += text.charAt(pos);
        const kind = KEYWORDS[buffer];
        if (kind) last = { kind, literal: buffer };
        else if (last) break;
        pos++;
      }
      tokens.push(last ?? { kind: 'error', literal: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let word = '';
    while (
      pos < text.length &&
      !SPECIAL.has(text.charAt(pos)) &&
      !WHITESPACE.has(text.charAt(pos))
    ) {
      word += text.charAt(pos++);
    }
    tokens.push({ kind: KEYWORDS[word] ?? 'identifier', literal: word });
  }
}

/** Kubernetes' field.Error text for a selector part: the path is `<nil>` for keys. */
function invalid(path: string, value: string, messages: readonly string[]): string {
  return `${path}: Invalid value: ${formatValue(value)}: ${messages.join('; ')}`;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /** In a value position, `in` and `notin` are plain identifiers. */
  private peek(values: boolean): Token {
    const token = this.tokens[this.position] ?? { kind: 'end', literal: '' };
    return values && (token.kind === 'in' || token.kind === 'notIn')
      ? { ...token, kind: 'identifier' }
      : token;
  }

  private next(values: boolean): Token {
    const token = this.peek(values);
    this.position++;
    return token;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const token = this.peek(true);
      if (token.kind === 'end') return requirements;
      if (token.kind !== 'identifier' && token.kind !== 'doesNotExist') {
        throw new SelectorError(
          `found '${token.literal}', expected: !, identifier, or 'end of string'`,
        );
      }
      try {
        requirements.push(this.requirement());
      } catch (error) {
        if (error instanceof SelectorError)
          throw new SelectorError(`unable to parse requirement: ${error.message}`);
        throw error;
      }
      const after = this.next(true);
      if (after.kind === 'end') return requirements;
      if (after.kind !== 'comma')
        throw new SelectorError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.kind !== 'identifier' && following.kind !== 'doesNotExist') {
        throw new SelectorError(`found '${following.literal}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let token = this.next(true);
    let operator: LabelOperator | undefined;
    if (token.kind === 'doesNotExist') {
      operator = '!';
      token = this.next(true);
    }
    if (token.kind !== 'identifier')
      throw new SelectorError(`found '${token.literal}', expected: identifier`);
    const key = token.literal;
    const keyErrors = isQualifiedName(key);
    if (keyErrors.length > 0) throw new SelectorError(invalid('<nil>', key, keyErrors));
    const following = this.peek(true).kind;
    if (operator === '!' || following === 'end' || following === 'comma') {
      return checked({ key, operator: operator ?? 'exists', values: [] });
    }
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    return checked({ key, operator: op, values });
  }

  private operator(): LabelOperator {
    const token = this.next(false);
    const operators: Partial<Record<TokenKind, LabelOperator>> = {
      in: 'in',
      equals: '=',
      doubleEquals: '==',
      greaterThan: 'gt',
      lessThan: 'lt',
      notIn: 'notin',
      notEquals: '!=',
    };
    const operator = operators[token.kind];
    if (!operator)
      throw new SelectorError(`found '${token.literal}', expected: ${BINARY_OPERATORS}`);
    return operator;
  }

  /** `(a,b,c)`; empty entries (`(a,)`, `()`) stand for the empty value. */
  private setValues(): string[] {
    const open = this.next(true);
    if (open.kind !== 'openPar') throw new SelectorError(`found '${open.literal}' expected: '('`);
    const first = this.peek(true);
    if (first.kind === 'closedPar') {
      this.next(true);
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma') {
      throw new SelectorError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    for (;;) {
      const token = this.next(true);
      if (token.kind === 'identifier') {
        values.add(token.literal);
        const after = this.peek(true);
        if (after.kind === 'comma') continue;
        if (after.kind === 'closedPar') break;
        throw new SelectorError(`found '${after.literal}', expected: ',' or ')'`);
      } else if (token.kind === 'comma') {
        if (values.size === 0) values.add('');
        const after = this.peek(true);
        if (after.kind === 'closedPar') {
          values.add('');
          break;
        }
        if (after.kind === 'comma') {
          this.next(true);
          values.add('');
        }
      } else {
        throw new SelectorError(`found '${token.literal}', expected: ',', or identifier`);
      }
    }
    const close = this.next(true);
    if (close.kind !== 'closedPar')
      throw new SelectorError(`found '${first.literal}', expected: ')'`);
    return [...values].sort();
  }

  private exactValue(): string[] {
    const ahead = this.peek(true);
    if (ahead.kind === 'end' || ahead.kind === 'comma') return [''];
    const token = this.next(true);
    if (token.kind === 'identifier') return [token.literal];
    throw new SelectorError(`found '${token.literal}', expected: identifier`);
  }
}

/** NewRequirement's checks on the values: label syntax, and integers for gt / lt. */
function checked(requirement: LabelRequirement): LabelRequirement {
  const messages: string[] = [];
  if (
    (requirement.operator === 'gt' || requirement.operator === 'lt') &&
    !/^[+-]?\d+$/.test(requirement.values[0] ?? '')
  ) {
    messages.push(
      invalid('values[0]', requirement.values[0] ?? '', [
        "for 'Gt', 'Lt' operators, the value must be an integer",
      ]),
    );
  }
  requirement.values.forEach((value, i) => {
    const errors = isValidLabelValue(value);
    if (errors.length > 0)
      messages.push(invalid(`values[${i}][${requirement.key}]`, value, errors));
  });
  if (messages.length === 1) throw new SelectorError(messages[0]);
  if (messages.length > 1) throw new SelectorError(`[${messages.join(', ')}]`);
  return requirement;
}

/**
 * Parses a label selector string (`app=kubia,tier in (web,api),!canary`)
 * into requirements sorted by key; '' selects everything. Throws
 * SelectorError with Kubernetes' message when it does not parse.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  return sortRequirements(new Parser(lex(text)).parse());
}
