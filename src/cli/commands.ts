// The commands, their options and their help. Arguments are parsed by util.parseArgs in strict
// mode: an unknown option, a missing value or a stray argument is an error, never ignored.
import { parseArgs } from 'util';
import { CliError, type Io, type Output } from './output';

export type Format = 'text' | 'json' | 'md' | 'csv' | 'yaml';
type Value = string | boolean | undefined;

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help after the option, e.g. `ID`. */
  value?: string;
  help: string;
}

export interface CommandContext {
  values: Record<string, Value> & { tenant?: string; sample?: boolean; yes?: boolean };
  positionals: string[];
  format: Format;
  io: Io;
  out: Output;
}

export interface Command {
  name: string;
  summary: string;
  /** After `security-posture <name>`. */
  arguments: string;
  positionals: { min: number; max: number };
  /** Formats the command writes; the first is the default. */
  formats: Format[];
  /** Whether it reads a tenant (the tenant options apply). */
  tenant: boolean;
  options?: Record<string, OptionSpec>;
  details: string[];
  run(ctx: CommandContext): Promise<number>;
}

const TENANT_OPTIONS: Record<string, OptionSpec> = {
  sample: { type: 'boolean', help: 'use the built-in sample tenant (no sign-in, nothing leaves this machine)' },
  tenant: { type: 'string', value: 'ID', help: 'tenant id or domain (default: AZURE_TENANT_ID)' },
  cloud: { type: 'string', value: 'NAME', help: 'AzureCloud (default), AzureUSGovernment, AzureUSGovernmentDoD, AzureChinaCloud or Custom' },
  'graph-endpoint': { type: 'string', value: 'URL', help: 'with --cloud Custom: the Graph root (like securityPosture.customCloud.graphEndpoint)' },
  'authority-host': { type: 'string', value: 'URL', help: 'with --cloud Custom: the Entra authority (like securityPosture.customCloud.authorityHost)' },
};

const COMMON_OPTIONS: Record<string, OptionSpec> = {
  format: { type: 'string', short: 'f', value: 'FORMAT', help: 'output format' },
  yes: { type: 'boolean', short: 'y', help: 'confirm changes without asking (apply)' },
  verbose: { type: 'boolean', short: 'v', help: 'say more on stderr (Graph retries and failures, request ids)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export const CREDENTIAL_HELP = [
  'Sign-in (app-only, from the environment, as @azure/identity reads it):',
  '  AZURE_CLIENT_ID, AZURE_TENANT_ID (or --tenant) and one of',
  '    AZURE_CLIENT_SECRET                     a client secret',
  '    AZURE_CLIENT_CERTIFICATE_PATH           a PEM with certificate and key (AZURE_CLIENT_CERTIFICATE_PASSWORD if encrypted)',
  '    AZURE_FEDERATED_TOKEN_FILE              workload identity federation (GitHub Actions, Azure Pipelines, Kubernetes)',
];

/** Parses the arguments after the command name; help is returned, not printed. */
export function parseCommand(command: Command, args: string[]): { help: true } | { help: false; values: CommandContext['values']; positionals: string[]; format: Format } {
  const specs = { ...(command.tenant ? TENANT_OPTIONS : {}), ...command.options, ...COMMON_OPTIONS };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args, strict: true, allowPositionals: true,
      options: Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, { type: s.type, ...(s.short ? { short: s.short } : {}) }])),
    });
  } catch (error) {
    throw new CliError(`${parseFailure(error)} (see security-posture ${command.name} --help)`);
  }
  const values = parsed.values as CommandContext['values'];
  if (values.help) {
    return { help: true };
  }
  const format = (values.format as string | undefined) ?? command.formats[0];
  if (!(command.formats as string[]).includes(format)) {
    throw new CliError(`${command.name} writes ${command.formats.join(', ')}, not "${format}".`);
  }
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) {
    throw new CliError(`${command.name} needs ${command.arguments.split(' ').filter(a => /^[A-Z]/.test(a))[parsed.positionals.length] ?? 'an argument'} (see security-posture ${command.name} --help).`);
  }
  if (parsed.positionals.length > max) {
    throw new CliError(`Unexpected argument "${parsed.positionals[max]}" (see security-posture ${command.name} --help).`);
  }
  return { help: false, values, positionals: parsed.positionals, format: format as Format };
}

/** util.parseArgs' messages, in one line without its advice about `--`. */
function parseFailure(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `Unknown option ${option ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': return /argument missing/.test(message) ? `Option ${option} needs a value` : `Option ${option} takes no value`;
    default: return message.split('\n')[0];
  }
}

export function commandHelp(command: Command): string {
  const specs = { ...command.options, ...(command.tenant ? TENANT_OPTIONS : {}), ...COMMON_OPTIONS };
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.value ? ` ${s.value}` : ''}`;
    const help = name === 'format' ? `${command.formats.join(' | ')} (default ${command.formats[0]})` : s.help;
    return `  ${flag.padEnd(30)} ${help}`;
  });
  return [
    `security-posture ${command.name} ${command.arguments}`.trimEnd(), '', command.summary, '',
    ...command.details.flatMap(d => [d]), ...(command.details.length ? [''] : []),
    'Options:', ...rows, '', ...(command.tenant ? [...CREDENTIAL_HELP, ''] : []),
  ].join('\n');
}
