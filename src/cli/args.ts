// The CLI's argument grammar: one command, positional operands, and a fixed set
// of flags per command. Anything else is a usage error (exit 2), never guessed.

export interface ParsedArgs {
  command?: string;
  positionals: string[];
  flags: Map<string, string | true>;
  /** Repeatable flags (`--env A=1 --env B=2`), in the order given. */
  lists: Map<string, string[]>;
}

export class UsageError extends Error {}

/**
 * Flags each command accepts; `true` = boolean, `'value'` = takes the next word
 * (or `--flag=value`), `'values'` = like 'value' and may be repeated.
 */
export const COMMAND_FLAGS: Record<string, Record<string, 'value' | 'values' | true>> = {
  analyze: { '--json': true },
  dockerfile: { '--app': 'value' },
  package: { '--out': 'value', '--list': true },
  deploy: {
    '--project': 'value',
    '--region': 'value',
    '--service': 'value',
    '--env': 'values',
    '--secret': 'values',
    '--private': true,
    '--app': 'value',
    '--json': true,
    '--timeout': 'value',
    '--yes': true,
    '--take-over': true,
    '--force': true,
    '--no-traffic': true,
    '--tag': 'value',
  },
};

const GLOBAL_FLAGS: Record<string, true> = { '--help': true, '-h': true, '--version': true, '-v': true };

export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: new Map(), lists: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith('-') && word !== '-') {
      const [name, inline] = word.split(/=(.*)/s, 2);
      if (GLOBAL_FLAGS[name]) {
        out.flags.set(name.length === 2 ? (name === '-h' ? '--help' : '--version') : name, true);
        continue;
      }
      const kind = out.command ? COMMAND_FLAGS[out.command]?.[name] : undefined;
      if (!kind) throw new UsageError(`Unknown option ${name}${out.command ? ` for ${out.command}` : ''}.`);
      if (kind === true) {
        if (inline !== undefined) throw new UsageError(`${name} takes no value.`);
        out.flags.set(name, true);
      } else {
        const value = inline ?? argv[++i];
        if (value === undefined || value === '') throw new UsageError(`${name} needs a value.`);
        if (kind === 'values') {
          out.lists.set(name, [...(out.lists.get(name) ?? []), value]);
        } else {
          // Two values for one setting is a mistake in a script, not a choice to guess at.
          if (out.flags.has(name)) throw new UsageError(`${name} is given twice.`);
          out.flags.set(name, value);
        }
      }
      continue;
    }
    if (!out.command) {
      if (!(word in COMMAND_FLAGS) && word !== 'help') throw new UsageError(`Unknown command ${word}.`);
      out.command = word;
    } else {
      out.positionals.push(word);
    }
  }
  return out;
}
