import { formatPlatform } from '../oci/index.js';
import type { Platform } from '../oci/index.js';

/**
 * The predefined proxy ARGs: a `--build-arg` of one of these names reaches every RUN's environment
 * without an ARG instruction, and stays out of the image history (unless the Dockerfile declares it).
 */
export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

export function isProxyArg(name: string): boolean {
  return PROXY_ARGS.includes(name);
}

/** ARGs whose values BuildKit keeps out of the RUN environment (they only steer the build). */
export const NON_ENV_ARGS: readonly string[] = ['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE'];

/** The names of the automatic platform ARGs, in BuildKit's order. */
export const PLATFORM_ARGS: readonly string[] = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
];

/**
 * The global scope BuildKit starts from: the platform ARGs of the build and target platforms and
 * `TARGETSTAGE` (the target's name, `default` for an unnamed one), each replaced by a `--build-arg`
 * of the same name. A stage sees them only after `ARG NAME`; FROM lines see them always.
 */
export function automaticArgs(options: {
  readonly build: Platform;
  readonly target: Platform;
  readonly targetStage: string;
  readonly buildArgs: ReadonlyMap<string, string>;
}): Map<string, string> {
  const { build, target } = options;
  const values: readonly (readonly [string, string])[] = [
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDOSVERSION', build['os.version'] ?? ''],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
    ['TARGETPLATFORM', formatPlatform(target)],
    ['TARGETOS', target.os],
    ['TARGETOSVERSION', target['os.version'] ?? ''],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['TARGETSTAGE', options.targetStage === '' ? 'default' : options.targetStage],
  ];
  const env = new Map<string, string>();
  for (const [name, value] of values) env.set(name, options.buildArgs.get(name) ?? value);
  return env;
}
