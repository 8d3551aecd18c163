// `security-posture <command>`: the dispatcher. Every failure ends here as one line on stderr and
// exit code 1 (2 is kept for drift); never a stack trace.
import { PostureError } from '../graph/errors';
import { HistoryFormatError } from '../model/history';
import { commandHelp, parseCommand, type Command } from './commands';
import { historyExport, historyImport } from './history';
import { CliError, Output, type Io } from './output';
import { apply, check, exportFile, plan } from './posture';
import { report } from './report';
import { checkTenantOptions } from './tenant';

export const COMMANDS: Command[] = [
  {
    name: 'report', arguments: '[options]', summary: 'The posture report the extension exports: Markdown, CSV or JSON, on stdout.',
    positionals: { min: 0, max: 0 }, formats: ['md', 'json', 'csv'], tenant: true,
    options: { table: { type: 'string', value: 'TABLE', help: 'with --format csv: controls (default), alerts or customers' } },
    details: [
      'Markdown: score, weekly trend, categories, top improvement actions, open alerts by severity,',
      'partner requirements and customers without MFA. JSON: all of it, for scripts.',
      'Exit code 1 when a section could not be read (a tenant that is not a CSP partner is not an error).',
    ],
    run: report,
  },
  {
    name: 'check', arguments: 'FILE [options]', summary: 'Compares a posture file with the tenant: exit 0 in sync, 2 drift, 1 error.',
    positionals: { min: 1, max: 1 }, formats: ['text', 'json', 'md'], tenant: true,
    options: { 'job-summary': { type: 'boolean', help: 'also append the drift as Markdown to the file GITHUB_STEP_SUMMARY names (GitHub Actions)' } },
    details: [
      'FILE is a posture file (*.posture.yaml or *.posture.json, as the extension edits them). A file for several',
      'tenants is checked for this run\'s tenant (--tenant or AZURE_TENANT_ID); run one job per tenant.',
      'Drift: an improvement action whose state, comment or assignee differs, an exception past its expiry,',
      'an alert a rule would change, or an entry Graph cannot change. Nothing is written.',
    ],
    run: check,
  },
  {
    name: 'plan', arguments: 'FILE [options]', summary: 'What apply would change, with the Secure Score effect.',
    positionals: { min: 1, max: 1 }, formats: ['text', 'json', 'md'], tenant: true,
    details: ['Nothing is written. The Markdown fits a pull request comment.'],
    run: plan,
  },
  {
    name: 'apply', arguments: 'FILE [--yes] [options]', summary: 'Makes the tenant match the posture file, then prints what happened to each item.',
    positionals: { min: 1, max: 1 }, formats: ['text', 'json', 'md'], tenant: true,
    details: [
      'Shows the plan on stderr and asks on a terminal; elsewhere (a pipeline) it needs --yes. Only what differs',
      'is written, so a second run writes nothing. Exit 1 if any item failed (run it again to retry those).',
    ],
    run: apply,
  },
  {
    name: 'export', arguments: '[options]', summary: 'The tenant\'s current improvement-action states as a posture file, to start from.',
    positionals: { min: 0, max: 0 }, formats: ['yaml'], tenant: true,
    details: ['Writes YAML on stdout: security-posture export > tenant.posture.yaml'],
    run: exportFile,
  },
  {
    name: 'history export', arguments: '[--out FILE] [options]', summary: 'Secure Score history beyond the 90 days Graph keeps.',
    positionals: { min: 0, max: 0 }, formats: ['json'], tenant: true,
    options: { out: { type: 'string', short: 'o', value: 'FILE', help: 'the history file: read, merged with the tenant\'s days and written back (default: stdout)' } },
    details: [
      'Run it on a schedule with --out pointing at a file kept in a repository or an artifact: each run',
      'adds the days Graph has and the file lacks, so the file reaches back further than Graph does.',
      'The format is the extension\'s (Export Score History… / Import Score History…), one day per line.',
    ],
    run: historyExport,
  },
  {
    name: 'history import', arguments: 'FILE... [--out FILE]', summary: 'Merges history files (e.g. one exported in VS Code) into one.',
    positionals: { min: 1, max: 64 }, formats: ['json'], tenant: false,
    options: {
      out: { type: 'string', short: 'o', value: 'FILE', help: 'the history file to merge into (default: write the merge to stdout)' },
      tenant: { type: 'string', value: 'ID', help: 'refuse files of another tenant' },
    },
    details: ['Adds the days each FILE has and the target lacks; files of another tenant are refused. No sign-in.'],
    run: historyImport,
  },
];

/** package.json's version, put in by esbuild.js ("dev" when run from tsc's output). */
declare const SECURITY_POSTURE_VERSION: string | undefined;
export const VERSION = typeof SECURITY_POSTURE_VERSION === 'string' ? SECURITY_POSTURE_VERSION : 'dev';

function usage(): string {
  const width = Math.max(...COMMANDS.map(c => `${c.name} ${c.arguments.replace(/\s*\[.*$/, '')}`.length)) + 2;
  return [
    `security-posture ${VERSION}: Microsoft 365 security posture (Secure Score, improvement actions, alerts, partner score) for pipelines.`,
    '',
    'Usage: security-posture <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(c => `  ${`${c.name} ${c.arguments.replace(/\s*\[.*$/, '')}`.padEnd(width)}${c.summary}`),
    '',
    'Every command takes --help. Commands that read a tenant take --sample (the built-in sample tenant),',
    '--tenant ID, --cloud NAME and sign in as an app from AZURE_* variables (see a command\'s --help).',
    'Results go to stdout, progress and errors to stderr. Exit codes: 0 done, 1 failed (the reason is the',
    'last line on stderr), 2 drift found (check).',
    '',
  ].join('\n');
}

function findCommand(args: string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((w, i) => args[i] === w)) {
      return { command, rest: args.slice(words.length) };
    }
  }
  return undefined;
}

/** One line, whatever was thrown. */
export function failureLine(error: unknown): string {
  const known = error instanceof CliError || error instanceof PostureError || error instanceof HistoryFormatError;
  const message = (error as Error)?.message ?? String(error);
  return (known ? message : `Unexpected error: ${message}`).replace(/\s+/g, ' ').trim();
}

export async function main(args: string[], io: Io): Promise<number> {
  let out = new Output(io);
  try {
    if (args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]))) {
      (args.length === 0 ? io.stderr : io.stdout).write(usage());
      return args.length === 0 ? 1 : 0;
    }
    if (args.length === 1 && ['--version', '-V'].includes(args[0])) {
      out.result(VERSION);
      return 0;
    }
    const found = findCommand(args);
    if (!found) {
      const group = COMMANDS.filter(c => c.name.startsWith(`${args[0]} `)).map(c => c.name);
      throw new CliError(group.length ? `${args[0]} needs a subcommand: ${group.join(', ')}.` : `Unknown command "${args[0]}": see security-posture --help.`);
    }
    const parsed = parseCommand(found.command, found.rest);
    if (parsed.help) {
      out.result(commandHelp(found.command));
      return 0;
    }
    if (found.command.tenant) {
      checkTenantOptions(parsed.values);
    }
    out = new Output(io, parsed.values.verbose === true);
    return await found.command.run({ ...parsed, io, out });
  } catch (error) {
    out.error(failureLine(error));
    return 1;
  }
}
