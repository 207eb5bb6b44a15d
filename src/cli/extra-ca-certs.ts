import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ConnectionOptions, SecureContext, TLSSocket } from 'node:tls';

type TlsModule = typeof import('node:tls');

/**
 * node:tls itself, the object whose `connect` node's https and fetch call: an ES import would give
 * a copy of its bindings (and the bundler a wrapper), and loading it before the start-up snapshot
 * is taken cannot be serialised, so it is required when first needed.
 */
function tlsModule(): TlsModule {
  return createRequire(import.meta.url)('node:tls') as TlsModule;
}

/**
 * NODE_EXTRA_CA_CERTS, loaded on the first TLS connection instead of at start.
 *
 * Node reads and parses the NODE_EXTRA_CA_CERTS file while it starts, before any of our code runs,
 * whether or not the command will ever open a TLS connection. Pointed at a system bundle (~140
 * certificates, as on machines behind a TLS-inspecting proxy), that is ~50 ms of every command,
 * most of a cached rebuild's start. bin/stagecraft therefore hands the variable over under
 * {@link HANDOFF_VARIABLE} and starts node without it; {@link adoptExtraCaCerts} puts it back (so
 * child processes see what the user set) and trusts the same certificates on the first TLS
 * connection: node's bundled roots plus the file's, as node itself would.
 */
export const HANDOFF_VARIABLE = 'STAGECRAFT_EXTRA_CA_CERTS';

/** Options that choose the trusted roots or the client identity: a connection that sets one is left alone. */
const OWN_TRUST_OPTIONS = ['ca', 'secureContext', 'cert', 'key', 'pfx'] as const;

function leavesTrustToDefault(options: ConnectionOptions): boolean {
  return OWN_TRUST_OPTIONS.every((name) => options[name] === undefined);
}

/** A secure context with node's bundled roots and the PEM certificates in `file`, made once. */
export function extraCaContext(file: string, warn: (message: string) => void): () => SecureContext {
  let context: SecureContext | undefined;
  return () => {
    if (context !== undefined) return context;
    const tls = tlsModule();
    let extra: string | undefined;
    try {
      extra = readFileSync(file, 'utf8');
      context = tls.createSecureContext({ ca: [...tls.rootCertificates, extra] });
    } catch (err) {
      // node's own behaviour for a file it cannot use: warn once, go on with the bundled roots
      warn(`Warning: Ignoring extra certs from \`${file}\`, load failed: ${err instanceof Error ? err.message : String(err)}`);
      context = tls.createSecureContext();
    }
    return context;
  };
}

let wrapped = false;

/**
 * When the launcher handed NODE_EXTRA_CA_CERTS over: restores it in `env` and makes every TLS
 * connection that does not choose its own roots (fetch's and https.request's both go through
 * tls.connect) trust node's bundled roots plus that file's certificates, loaded on first use.
 * Does nothing when the variable was not handed over (node then loaded the file itself).
 */
export function adoptExtraCaCerts(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (m) => process.stderr.write(m + '\n')): void {
  const file = env[HANDOFF_VARIABLE];
  if (file === undefined) return;
  Reflect.deleteProperty(env, HANDOFF_VARIABLE);
  if (file === '') return;
  env['NODE_EXTRA_CA_CERTS'] = file;
  if (wrapped) return;
  const context = extraCaContext(file, warn);
  const tls = tlsModule();
  const original = tls.connect;
  wrapped = true;
  const connect = (...args: unknown[]): TLSSocket => {
    // The call shapes are (options[, callback]), (port[, host][, options][, callback]) and
    // (path[, options][, callback]); node's clients use the first.
    const at = args.findIndex((arg) => typeof arg === 'object' && arg !== null);
    const options = at >= 0 ? (args[at] as ConnectionOptions) : undefined;
    if (options === undefined) {
      const callback = args.findIndex((arg) => typeof arg === 'function');
      args.splice(callback >= 0 ? callback : args.length, 0, { secureContext: context() });
    } else if (leavesTrustToDefault(options)) args[at] = { ...options, secureContext: context() };
    return (original as (...a: unknown[]) => TLSSocket)(...args);
  };
  tls.connect = connect;
}
