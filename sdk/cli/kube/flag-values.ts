// Flags written as kubectl (Go's flag package) takes them: boolean flags that
// may also be given a value attached with `=` (`--wait=false`,
// `--insecure-skip-tls-verify=true`, `--cascade=orphan`) without taking the
// next argument as theirs, and durations such as `30s`, `1m30s`.

import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

/** `true`/`false` (and Go's other spellings: 1, t, T, TRUE, ...). */
export function parseBool(value: string, flag = 'flag'): boolean {
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new CliError(
    `invalid argument "${value}" for "--${flag}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
  );
}

/**
 * Lets the boolean options of `command` also be written `--flag=value`, as
 * pflag's are: `--overwrite=false` stores false. Options named in `worded`
 * keep the value as a string instead (`--cascade=orphan`; bare `--cascade`
 * stays true). Commander would reject the form, and an optional-value option
 * (`--flag [value]`) would swallow the next argument (`delete --wait pod x`),
 * which Go's flags never do. A value that is no boolean is a CliError.
 */
export function allowFlagAssignments(command: Command, worded: readonly string[] = []): Command {
  const parse = command.parseOptions.bind(command);
  command.parseOptions = (argv: string[]) => {
    const assigned: [string, boolean | string][] = [];
    const kept: string[] = [];
    let operands = false;
    for (const arg of argv) {
      if (arg === '--') operands = true;
      const match = operands ? null : /^--([^=]+)=(.*)$/s.exec(arg);
      const name = match?.[1] ?? '';
      const option = match
        ? command.options.find((o) => o.long === `--${name}` && o.isBoolean())
        : undefined;
      if (!option) {
        kept.push(arg);
        continue;
      }
      const value = match?.[2] ?? '';
      assigned.push([
        option.attributeName(),
        worded.includes(name) ? value : parseBool(value, name),
      ]);
    }
    const result = parse(kept);
    for (const [key, value] of assigned) command.setOptionValueWithSource(key, value, 'cli');
    return result;
  };
  return command;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Go duration (`500ms`, `30s`, `1m30s`, `1h`) in ms; a bare number means
 * seconds, as kubectl's --request-timeout and --timeout accept it.
 */
export function parseDuration(value: string, flag = 'timeout'): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text)
    throw new CliError(
      `invalid argument "${value}" for "--${flag}" flag: time: invalid duration "${value}"`,
    );
  return parts.reduce(
    (total, part) => total + Number(part[1]) * (UNITS[part[2] ?? 's'] ?? 1000),
    0,
  );
}
