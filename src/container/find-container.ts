import { BuildError } from '../errors/index.js';
import type { ContainerRecord } from './container-record.js';
import { listContainerIds, readContainerRecord } from './container-record.js';
import { containerIdByName } from './container-names.js';
import { CONTAINER_ID_PATTERN } from './layout.js';

function notFound(ref: string): BuildError {
  return new BuildError('CONTAINER_NOT_FOUND', `No such container: ${ref}`, {
    hint: 'stagecraft ps -a lists the containers',
    details: { container: ref },
  });
}

/**
 * The container `ref` names, as docker resolves it: a full id, then a name (`/name` too), then a
 * unique id prefix. CONTAINER_NOT_FOUND when nothing (or more than one id) matches.
 */
export async function findContainer(root: string, ref: string): Promise<ContainerRecord> {
  if (ref === '') throw notFound(ref);
  if (CONTAINER_ID_PATTERN.test(ref)) {
    const record = await readContainerRecord(root, ref);
    if (record !== undefined) return record;
  }
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  if (/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
    const id = await containerIdByName(root, name);
    const record = id === undefined ? undefined : await readContainerRecord(root, id);
    if (record !== undefined) return record;
  }
  if (/^[0-9a-f]+$/.test(ref)) {
    const matches = (await listContainerIds(root)).filter((id) => id.startsWith(ref));
    if (matches.length > 1) {
      throw new BuildError('CONTAINER_NOT_FOUND', `multiple IDs found with provided prefix: ${ref}`, {
        hint: 'give more digits of the id, or the name',
        details: { container: ref, matches: matches.length },
      });
    }
    const record = matches[0] === undefined ? undefined : await readContainerRecord(root, matches[0]);
    if (record !== undefined) return record;
  }
  throw notFound(ref);
}
