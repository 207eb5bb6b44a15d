import type { ContainerConfig, HealthConfig } from '../oci/index.js';
import type { PlannedInstruction } from '../plan/index.js';
import { sortByBytes } from '../util/byte-order.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The default PATH BuildKit puts in a stage's config when its base image has none (Linux). */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A stage's image config while its instructions are applied: the container config, the author
 * (MAINTAINER) and whether this stage has set CMD itself (a later ENTRYPOINT then keeps it).
 */
export interface ConfigState {
  readonly config: ContainerConfig;
  readonly author: string | undefined;
  readonly cmdSet: boolean;
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq === -1 ? entry : entry.slice(0, eq);
}

/** Sets `key=value` in an Env list: replaced where the key is, appended otherwise (BuildKit's addEnv). */
export function setEnv(env: readonly string[], key: string, value: string): string[] {
  const out = [...env];
  const index = out.findIndex((entry) => envKey(entry) === key);
  if (index === -1) out.push(`${key}=${value}`);
  else out[index] = `${key}=${value}`;
  return out;
}

/**
 * The config a stage starts from: the base image's (or a base stage's), with what BuildKit drops
 * or adds on FROM: ONBUILD triggers are consumed (not inherited), PATH is set when missing.
 */
export function startConfig(base: ContainerConfig | undefined, author: string | undefined, os: string): ConfigState {
  const config: Mutable<ContainerConfig> = withoutOnBuild(base ?? {});
  const env = config.Env ?? [];
  if (os !== 'windows' && !env.some((entry) => envKey(entry) === 'PATH')) config.Env = [...env, DEFAULT_PATH_ENV];
  return { config, author, cmdSet: false };
}

/** A copy of `config` without ONBUILD triggers (they run in the builds based on it, never carry on). */
export function withoutOnBuild(config: ContainerConfig): ContainerConfig {
  const copy: Mutable<ContainerConfig> = { ...config };
  delete copy.OnBuild;
  return copy;
}

/** The config of a `FROM scratch` stage, as BuildKit's emptyImage: working directory `/`, default PATH. */
export function scratchConfig(os: string): ContainerConfig {
  return os === 'windows' ? { WorkingDir: '/' } : { Env: [DEFAULT_PATH_ENV], WorkingDir: '/' };
}

function healthConfig(health: {
  readonly test: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}): HealthConfig {
  // docker's JSON leaves out zero fields (omitempty)
  return {
    ...(health.test.length > 0 ? { Test: [...health.test] } : {}),
    ...(health.interval !== 0 ? { Interval: health.interval } : {}),
    ...(health.timeout !== 0 ? { Timeout: health.timeout } : {}),
    ...(health.startPeriod !== 0 ? { StartPeriod: health.startPeriod } : {}),
    ...(health.startInterval !== 0 ? { StartInterval: health.startInterval } : {}),
    ...(health.retries !== 0 ? { Retries: health.retries } : {}),
  };
}

/** The config after one instruction, as BuildKit's dispatch functions change it (RUN, COPY, ADD, FROM and ARG change nothing). */
export function applyInstruction(state: ConfigState, instruction: PlannedInstruction): ConfigState {
  const config: Mutable<ContainerConfig> = { ...state.config };
  let { author, cmdSet } = state;
  switch (instruction.kind) {
    case 'env': {
      let env = [...(config.Env ?? [])];
      for (const { key, value } of instruction.pairs) env = setEnv(env, key, value);
      config.Env = env;
      break;
    }
    case 'label': {
      const labels: Record<string, string> = { ...(config.Labels ?? {}) };
      for (const { key, value } of instruction.pairs) labels[key] = value;
      config.Labels = labels;
      break;
    }
    case 'expose': {
      const ports: Record<string, object> = { ...(config.ExposedPorts ?? {}) };
      for (const port of instruction.ports) ports[port] = {};
      config.ExposedPorts = ports;
      break;
    }
    case 'user':
      config.User = instruction.user;
      break;
    case 'workdir':
      config.WorkingDir = instruction.workdir;
      break;
    case 'volume': {
      const volumes: Record<string, object> = { ...(config.Volumes ?? {}) };
      for (const volume of instruction.volumes) volumes[volume] = {};
      config.Volumes = volumes;
      break;
    }
    case 'stopsignal':
      config.StopSignal = instruction.signal;
      break;
    case 'cmd':
      config.Cmd = [...instruction.args];
      config.ArgsEscaped = true;
      cmdSet = true;
      break;
    case 'entrypoint':
      config.Entrypoint = [...instruction.args];
      // a new ENTRYPOINT drops a CMD it inherited, not one this stage set before it
      if (!cmdSet) delete config.Cmd;
      break;
    case 'shell':
      config.Shell = [...instruction.shell];
      break;
    case 'healthcheck':
      config.Healthcheck = healthConfig(instruction.health);
      break;
    case 'onbuild':
      config.OnBuild = [...(config.OnBuild ?? []), instruction.expression];
      break;
    case 'maintainer':
      author = instruction.maintainer;
      break;
    case 'from':
    case 'run':
    case 'copy':
    case 'add':
    case 'arg':
      break;
  }
  return { config, author, cmdSet };
}

/** `--label` values put on the final image, over the labels its Dockerfile set. */
export function withLabels(config: ContainerConfig, labels: ReadonlyMap<string, string>): ContainerConfig {
  if (labels.size === 0) return config;
  return { ...config, Labels: { ...(config.Labels ?? {}), ...Object.fromEntries(labels) } };
}

/** The fields of a container config in the order docker's Go types write them. */
const FIELD_ORDER: readonly (keyof ContainerConfig)[] = [
  'User',
  'ExposedPorts',
  'Env',
  'Entrypoint',
  'Cmd',
  'Volumes',
  'WorkingDir',
  'Labels',
  'StopSignal',
  'ArgsEscaped',
  'Healthcheck',
  'OnBuild',
  'Shell',
];

/** Go writes a map's keys sorted (bytewise). */
function sortedMap<T>(map: Readonly<Record<string, T>>): Record<string, T> {
  const keys = sortByBytes(Object.keys(map));
  return Object.fromEntries(keys.map((key) => [key, map[key] as T]));
}

/**
 * `config` as docker's Go types write it: fields in their order (others after them), the keys of
 * ExposedPorts, Volumes and Labels sorted.
 */
export function orderConfigFields(config: ContainerConfig): ContainerConfig {
  const out: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (config[key] !== undefined) out[key] = config[key];
  for (const [key, value] of Object.entries(config)) if (!(key in out) && value !== undefined) out[key] = value;
  for (const key of ['ExposedPorts', 'Volumes', 'Labels'] as const) {
    const map = config[key];
    if (map !== undefined) out[key] = sortedMap<unknown>(map);
  }
  return out;
}
