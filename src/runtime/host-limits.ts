/**
 * What this process may hand to a container: its capabilities (an insecure step gets "all", which
 * BuildKit takes as the daemon's own set; a capability we lack cannot be granted) and its hard
 * open-files limit (raising it needs CAP_SYS_RESOURCE, which sandboxed hosts often drop).
 */
import { readFile } from 'node:fs/promises';
import { ALL_CAPABILITIES, DEFAULT_NOFILE } from './spec-defaults.js';

export interface HostLimits {
  /** Capabilities in this process's permitted set, by name. */
  readonly capabilities: readonly string[];
  /** The open-files limit a container can be given. */
  readonly nofile: number;
}

/** Capability names from a /proc/PID/status hex mask (bit n = capability number n). */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return ALL_CAPABILITIES.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 1n);
}

/** The hard "Max open files" of a /proc/PID/limits text (`unlimited` counts as no bound). */
export function hardNofileFromLimits(text: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const hard = line?.slice('Max open files'.length).trim().split(/\s+/)[1];
  if (hard === undefined) return undefined;
  if (hard === 'unlimited') return Number.POSITIVE_INFINITY;
  const value = Number(hard);
  return Number.isFinite(value) ? value : undefined;
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

let hostLimits: Promise<HostLimits> | undefined;

/**
 * This process's limits, read from /proc once (they do not change while it runs: stagecraft never
 * sets them); the defaults where /proc says nothing.
 */
export function readHostLimits(): Promise<HostLimits> {
  hostLimits ??= readHostLimitsNow();
  return hostLimits;
}

async function readHostLimitsNow(): Promise<HostLimits> {
  const status = await readOptional('/proc/self/status');
  const permitted = /^CapPrm:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const hard = hardNofileFromLimits(await readOptional('/proc/self/limits'));
  return {
    capabilities: permitted === undefined ? ALL_CAPABILITIES : capabilitiesFromMask(permitted),
    nofile: Math.min(DEFAULT_NOFILE, hard ?? DEFAULT_NOFILE),
  };
}
