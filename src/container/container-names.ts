/**
 * Container ids and names. Ids are 64 random hex digits (shown as 12); names are unique, held by
 * a file `containers/names/<name>` holding the id, created exclusively: of two processes taking
 * the same name at once, exactly one succeeds. A name file whose container directory is gone
 * (a crash between the two writes, or a half-done rm) is stale and taken over.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { access, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { containerDir, namesDir } from './layout.js';

/** docker's rule for names: a letter or digit, then letters, digits, `_`, `.` or `-` (two characters at least). */
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

/** The 12-digit form docker shows. */
export function shortContainerId(id: string): string {
  return id.slice(0, 12);
}

/** Checks a `--name` (a leading `/`, as docker prints names, is dropped) and returns it. */
export function validateContainerName(name: string): string {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!NAME_PATTERN.test(bare)) {
    throw new BuildError('USAGE', `invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, { details: { name } });
  }
  return bare;
}

const ADJECTIVES = [
  'amber', 'brave', 'calm', 'clever', 'cosmic', 'crisp', 'dapper', 'eager', 'fancy', 'gentle', 'happy', 'humble',
  'jolly', 'keen', 'lively', 'lucid', 'merry', 'nimble', 'noble', 'patient', 'plucky', 'quiet', 'rapid', 'serene',
  'shiny', 'snug', 'steady', 'sunny', 'swift', 'tidy', 'vivid', 'witty', 'zesty',
];
const NOUNS = [
  'alder', 'badger', 'beacon', 'birch', 'comet', 'cedar', 'dune', 'falcon', 'fern', 'fjord', 'glacier', 'harbor',
  'heron', 'juniper', 'kestrel', 'lagoon', 'maple', 'meadow', 'nebula', 'orchid', 'otter', 'pebble', 'quartz',
  'raven', 'river', 'sparrow', 'spruce', 'tundra', 'walrus', 'willow', 'wren', 'yarrow',
];

function pick(words: readonly string[]): string {
  return words[randomInt(words.length)] ?? 'container';
}

/** A readable name (`swift_heron`); after a clash a digit is added, as docker does. */
export function generateContainerName(attempt: number): string {
  const base = `${pick(ADJECTIVES)}_${pick(NOUNS)}`;
  return attempt === 0 ? base : `${base}${String(randomInt(10))}`;
}

function nameFile(root: string, name: string): string {
  return join(namesDir(root), name);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The id holding `name`, or undefined when it is free (a stale holder counts as free). */
export async function containerIdByName(root: string, name: string): Promise<string | undefined> {
  let id: string;
  try {
    id = (await readFile(nameFile(root, name), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return (await exists(containerDir(root, id))) ? id : undefined;
}

/** Takes `name` for container `id`; CONTAINER_NAME_IN_USE when another container has it. */
export async function reserveContainerName(root: string, name: string, id: string): Promise<void> {
  await mkdir(namesDir(root), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(nameFile(root, name), id, { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await containerIdByName(root, name);
    if (holder === id) return;
    if (holder !== undefined) {
      throw new BuildError(
        'CONTAINER_NAME_IN_USE',
        `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
        { hint: `remove it first (stagecraft rm -f ${name}) or choose another --name`, details: { name, id: holder } },
      );
    }
    await unlink(nameFile(root, name)).catch(() => undefined); // stale: its container is gone
  }
  throw new BuildError('CONTAINER_NAME_IN_USE', `the container name "/${name}" could not be reserved`, { details: { name } });
}

/** Frees `name` if container `id` holds it. */
export async function releaseContainerName(root: string, name: string, id: string): Promise<void> {
  try {
    if ((await readFile(nameFile(root, name), 'utf8')).trim() !== id) return;
    await unlink(nameFile(root, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
