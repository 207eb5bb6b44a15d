import { BuildError, describeErrorChain } from '../errors/index.js';
import type { ErrorCode } from '../errors/index.js';
import type { Redactor } from './redact.js';

/** What an operation was doing, for error messages: which registry, repository and object. */
export interface RegistryContext {
  /** The registry as named in the reference (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  readonly repository?: string;
  /** What was being fetched or sent: `manifest 18`, `blob sha256:...`. */
  readonly what: string;
}

/** One entry of a distribution-spec error body (`{"errors":[{"code","message","detail"}]}`). */
export interface DistributionError {
  readonly code: string;
  readonly message: string;
}

const MAX_ERROR_BODY = 64 * 1024;

/** Parses a distribution error body; [] when the body is not one. */
export function parseDistributionErrors(body: string): DistributionError[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  const out: DistributionError[] = [];
  for (const entry of errors as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { code, message } = entry as { code?: unknown; message?: unknown };
    out.push({
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : '',
    });
  }
  return out;
}

async function readBounded(response: Response): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= MAX_ERROR_BODY) break;
    }
  } catch {
    // a broken error body still leaves the status to report
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY);
}

export function describeTarget(ctx: RegistryContext): string {
  return ctx.repository === undefined ? ctx.registry : `${ctx.registry}/${ctx.repository}`;
}

function codeForStatus(status: number, errors: readonly DistributionError[]): ErrorCode {
  if (status === 401 || status === 403) return 'REGISTRY_UNAUTHORIZED';
  if (errors.some((e) => e.code === 'UNAUTHORIZED' || e.code === 'DENIED')) return 'REGISTRY_UNAUTHORIZED';
  if (status === 404) return 'REGISTRY_NOT_FOUND';
  if (status === 429 || status >= 500) return 'REGISTRY_UNREACHABLE';
  return 'REGISTRY_PROTOCOL';
}

function hintFor(code: ErrorCode, ctx: RegistryContext, authenticated: boolean): string | undefined {
  if (code === 'REGISTRY_UNAUTHORIZED') {
    return authenticated
      ? `the registry refused the stored credentials for ${ctx.registry}; run \`stagecraft login ${ctx.registry}\` again`
      : `no credentials for ${ctx.registry}; run \`stagecraft login ${ctx.registry}\` if the repository is private`;
  }
  if (code === 'REGISTRY_NOT_FOUND') return 'check the repository name and the tag or digest';
  return undefined;
}

/**
 * The BuildError for a response with an unexpected status: the registry and repository, what was
 * being fetched, the status, and the registry's own error entries quoted; every secret scrubbed.
 * Consumes (a bounded prefix of) the body.
 */
export async function errorFromResponse(
  response: Response,
  ctx: RegistryContext,
  options: { readonly redactor: Redactor; readonly authenticated?: boolean; readonly attempts?: number },
): Promise<BuildError> {
  const body = await readBounded(response);
  const errors = parseDistributionErrors(body);
  const code = codeForStatus(response.status, errors);
  const quoted = errors.map((e) => `${e.code}: ${JSON.stringify(e.message)}`).join('; ');
  const status = `${response.status}${response.statusText === '' ? '' : ' ' + response.statusText}`;
  const after = options.attempts !== undefined && options.attempts > 1 ? ` after ${options.attempts} attempts` : '';
  const message = options.redactor.apply(
    `${ctx.what} from ${describeTarget(ctx)}: HTTP ${status}${after}${quoted === '' ? '' : `: ${quoted}`}`,
  );
  const hint = hintFor(code, ctx, options.authenticated ?? false);
  return new BuildError(code, message, {
    ...(hint === undefined ? {} : { hint }),
    details: {
      registry: ctx.registry,
      repository: ctx.repository,
      status: response.status,
      errors: errors.map((e) => ({ code: e.code, message: options.redactor.apply(e.message) })),
    },
  });
}

/** The BuildError for a registry that could not be reached or that dropped the connection. */
export function errorFromNetwork(
  err: unknown,
  ctx: RegistryContext,
  options: { readonly redactor: Redactor; readonly attempts?: number },
): BuildError {
  const after = options.attempts !== undefined && options.attempts > 1 ? ` after ${options.attempts} attempts` : '';
  const message = options.redactor.apply(
    `${ctx.what} from ${describeTarget(ctx)}: cannot reach the registry${after}: ${describeErrorChain(err)}`,
  );
  return new BuildError('REGISTRY_UNREACHABLE', message, {
    hint: `check that ${ctx.registry} is up and reachable (or configure a mirror in registries.conf)`,
    details: { registry: ctx.registry, repository: ctx.repository },
  });
}

/** A BuildError for a response that breaks the protocol (a bad header, an unparsable manifest). */
export function protocolError(ctx: RegistryContext, problem: string, redactor: Redactor): BuildError {
  return new BuildError('REGISTRY_PROTOCOL', redactor.apply(`${ctx.what} from ${describeTarget(ctx)}: ${problem}`), {
    details: { registry: ctx.registry, repository: ctx.repository },
  });
}
