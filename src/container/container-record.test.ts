import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRecord } from './container-record.js';
import { listContainerRecords, readContainerRecord, updateContainerRecord, writeContainerRecord } from './container-record.js';
import { containerIdByName, newContainerId, releaseContainerName, reserveContainerName, validateContainerName } from './container-names.js';
import { findContainer } from './find-container.js';
import { containerDir } from './layout.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-records-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeRecord(overrides: Partial<ContainerRecord> = {}): Promise<ContainerRecord> {
  const id = overrides.id ?? newContainerId();
  const record: ContainerRecord = {
    version: 1,
    id,
    name: `c-${id.slice(0, 6)}`,
    image: 'img',
    imageId: 'sha256:1',
    imageDigest: 'sha256:2',
    created: new Date().toISOString(),
    args: ['sh'],
    env: [],
    user: '',
    workdir: '/',
    hostname: id.slice(0, 12),
    network: 'none',
    ports: [],
    exposedPorts: [],
    volumes: [],
    stopSignal: 'TERM',
    stopTimeout: 10,
    autoRemove: false,
    lowerDirs: [],
    status: 'created',
    ...overrides,
  };
  await mkdir(containerDir(root, id), { recursive: true });
  await writeContainerRecord(root, record);
  await reserveContainerName(root, record.name, id);
  return record;
}

describe('container records', () => {
  it('updates atomically; a status change drops owner, pid and slirp pid unless given again', async () => {
    const record = await makeRecord();
    const running = await updateContainerRecord(root, record.id, { status: 'running', owner: '1-2', pid: 42, slirpPid: 43, startedAt: 't1' });
    expect(running).toMatchObject({ status: 'running', owner: '1-2', pid: 42, slirpPid: 43, startedAt: 't1' });
    const exited = await updateContainerRecord(root, record.id, { status: 'exited', exitCode: 0, finishedAt: 't2' });
    expect(exited).toMatchObject({ status: 'exited', exitCode: 0, startedAt: 't1', finishedAt: 't2' });
    expect(exited).not.toHaveProperty('owner');
    expect(exited).not.toHaveProperty('pid');
    expect(await updateContainerRecord(root, record.id, { exitCode: undefined, error: 'x' })).not.toHaveProperty('exitCode');
    expect(await readContainerRecord(root, record.id)).toMatchObject({ error: 'x', status: 'exited' });
    expect((await readdir(containerDir(root, record.id))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await updateContainerRecord(root, newContainerId(), { status: 'exited' })).toBeUndefined();
  });

  it('lists newest first and reports a damaged record as STORE_CORRUPT', async () => {
    const older = await makeRecord({ created: '2020-01-01T00:00:00.000Z' });
    const newer = await makeRecord({ created: '2030-01-01T00:00:00.000Z' });
    const ids = (await listContainerRecords(root)).map((r) => r.id);
    expect(ids[0]).toBe(newer.id);
    expect(ids.at(-1)).toBe(older.id);
    const broken = await makeRecord();
    await writeFile(join(containerDir(root, broken.id), 'state.json'), '{"half');
    await expect(readContainerRecord(root, broken.id)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    await rm(containerDir(root, broken.id), { recursive: true });
  });
});

describe('container names', () => {
  it.each(['web', 'a1', 'my_app.v2-x', '/web'])('accepts %s', (name) => {
    expect(validateContainerName(name)).toBe(name.replace(/^\//, ''));
  });
  it.each(['a', '-web', 'we b', 'web/1', '', 'ünï'])('refuses %j', (name) => {
    expect(() => validateContainerName(name)).toThrow(/invalid container name/);
  });

  it('are unique; a name whose container is gone is taken over; release frees only its own', async () => {
    const first = await makeRecord({ name: 'unique-name' });
    await expect(reserveContainerName(root, 'unique-name', newContainerId())).rejects.toMatchObject({
      code: 'CONTAINER_NAME_IN_USE',
      message: expect.stringContaining(`is already in use by container "${first.id}"`) as unknown,
    });
    await reserveContainerName(root, 'unique-name', first.id); // its own holder: fine
    await releaseContainerName(root, 'unique-name', newContainerId());
    expect(await containerIdByName(root, 'unique-name')).toBe(first.id);
    await rm(containerDir(root, first.id), { recursive: true });
    expect(await containerIdByName(root, 'unique-name')).toBeUndefined();
    const next = newContainerId();
    await mkdir(containerDir(root, next), { recursive: true });
    await reserveContainerName(root, 'unique-name', next);
    expect((await readFile(join(root, 'containers', 'names', 'unique-name'), 'utf8')).trim()).toBe(next);
    await releaseContainerName(root, 'unique-name', next);
    expect(await containerIdByName(root, 'unique-name')).toBeUndefined();
  });

  it('finds a container by full id, name, /name or unique id prefix, as docker does', async () => {
    const record = await makeRecord({ id: `abcdef${'0'.repeat(58)}`, name: 'finder' });
    await makeRecord({ id: `abcdf0${'1'.repeat(58)}`, name: 'other' });
    for (const ref of [record.id, 'finder', '/finder', 'abcde0'.slice(0, 5) + 'f', 'abcdef0']) {
      expect((await findContainer(root, ref)).id).toBe(record.id);
    }
    await expect(findContainer(root, 'abcd')).rejects.toThrow('multiple IDs found with provided prefix: abcd');
    await expect(findContainer(root, 'nothing')).rejects.toMatchObject({ code: 'CONTAINER_NOT_FOUND', message: 'No such container: nothing' });
    await expect(findContainer(root, '')).rejects.toMatchObject({ code: 'CONTAINER_NOT_FOUND' });
  });
});
