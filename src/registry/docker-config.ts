import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';

/** One `auths` entry of docker's config.json. */
export interface DockerAuthEntry {
  /** base64 of `username:password`. */
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

/** The parts of docker's `config.json` stagecraft reads; every other key is kept as it was. */
export interface DockerConfigFile {
  readonly auths?: Readonly<Record<string, DockerAuthEntry>>;
  readonly credHelpers?: Readonly<Record<string, string>>;
  readonly credsStore?: string;
  readonly [key: string]: unknown;
}

/** `$DOCKER_CONFIG` if set, else `~/.docker` (the env is passed in: only the CLI reads process.env). */
export function resolveDockerConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env['DOCKER_CONFIG'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.docker');
}

export function dockerConfigPath(configDir: string): string {
  return join(configDir, 'config.json');
}

/** Reads config.json; an absent file is an empty config, a malformed one a REGISTRY_CONFIG error. */
export async function readDockerConfig(configDir: string): Promise<DockerConfigFile> {
  const path = dockerConfigPath(configDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BuildError('REGISTRY_CONFIG', `${path} is not valid JSON: ${(err as Error).message}`, {
      hint: 'fix or remove the file (it holds docker registry credentials)',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BuildError('REGISTRY_CONFIG', `${path} does not hold a JSON object`);
  }
  return parsed as DockerConfigFile;
}

/**
 * Writes config.json atomically (temp file, then rename) with mode 0600, as it holds secrets.
 */
export async function writeDockerConfig(configDir: string, config: DockerConfigFile): Promise<void> {
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const path = dockerConfigPath(configDir);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(config, null, '\t') + '\n', { mode: 0o600 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
