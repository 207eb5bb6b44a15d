import type { Digest } from '../oci/index.js';
import type { Store } from '../store/index.js';

/** An empty tar: two zero blocks, what BuildKit's differ gives for a step that changed nothing. */
const EMPTY_TAR = new Uint8Array(1024);

/** Writes (once; the store deduplicates) the empty layer and gives its DiffID and size. */
export async function writeEmptyLayer(store: Pick<Store, 'writeBlob'>, options: Parameters<Store['writeBlob']>[1] = {}): Promise<{ diffId: Digest; size: number }> {
  const { digest, size } = await store.writeBlob(EMPTY_TAR, options);
  return { diffId: digest, size };
}
