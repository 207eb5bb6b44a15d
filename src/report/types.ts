import type { Digest } from '../oci/index.js';

/** What a path is, in a layer or in the final file system. */
export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo';

/**
 * One entry of a layer tar, as the report needs it: the path (absolute, normalised: `/usr/bin/x`),
 * its kind, its content size, and what was asked for (a content hash, small file contents).
 * Whiteouts are entries too: `whiteout` names the path it deletes, `opaque` the directory whose
 * lower-layer contents it hides.
 */
export interface LayerEntry {
  readonly path: string;
  readonly kind: EntryKind | 'whiteout' | 'opaque';
  /** Content bytes (regular files only; 0 for every other kind). */
  readonly size: number;
  readonly linkTarget?: string;
  /** sha256 (hex) of the content, for regular files when hashing was asked for. */
  readonly contentHash?: string;
  /** The whole content, for the files the reader was asked to capture. */
  readonly content?: Uint8Array;
}

/** A node of the final file system (after every layer is applied). */
export interface FileNode {
  readonly name: string;
  /** Absolute path; `/` for the root. */
  readonly path: string;
  readonly kind: EntryKind;
  /** Own content bytes (regular files; 0 for directories and links). */
  readonly size: number;
  /** Index of the layer that wrote this path last (for implicit directories: the layer that made them). */
  readonly layer: number;
  /** Bytes of this node and everything under it. */
  readonly total: number;
  /** Non-directory entries under it (itself included when it is not a directory). */
  readonly files: number;
  readonly children: ReadonlyMap<string, FileNode> | undefined;
  readonly linkTarget?: string;
  readonly contentHash?: string;
  readonly content?: Uint8Array;
}

/** How bytes left the final view. */
export type RemovalKind = 'whiteout' | 'opaque' | 'overwritten';

/**
 * Bytes a layer wrote that the final image does not show: deleted by a whiteout, hidden by an
 * opaque directory, or overwritten by a later entry at the same path.
 */
export interface RemovedPath {
  /** The path removed (for a directory: everything under it that lower layers wrote). */
  readonly path: string;
  readonly how: RemovalKind;
  /** The layer whose entry removed it. */
  readonly removedBy: number;
  readonly bytes: number;
  readonly files: number;
  /** Which layers had written the removed bytes. */
  readonly bytesByLayer: ReadonlyMap<number, number>;
  /** For an overwritten regular file: whether the new content is the same bytes (needs hashing). */
  readonly sameContent?: boolean;
}

/** What we know about one layer. */
export interface LayerInfo {
  readonly index: number;
  readonly digest: Digest;
  readonly diffId: Digest;
  /** Size of the blob as stored (compressed for a compressed layer). */
  readonly blobSize: number;
  /** The history entry that made the layer (`created_by`), when the config has it. */
  readonly createdBy?: string;
  readonly created?: string;
  readonly comment?: string;
  /** Content bytes of the regular files in the layer tar. */
  readonly addedBytes: number;
  /** Non-directory entries (whiteouts not counted). */
  readonly files: number;
  readonly whiteouts: number;
  /** Bytes this layer wrote that a later layer deleted or overwrote. */
  readonly wastedBytes: number;
  /** Bytes of lower layers that this layer deleted or overwrote. */
  readonly removedBytes: number;
  /** Bytes this layer wrote that are still visible in the final image. */
  readonly visibleBytes: number;
}

/**
 * dive's efficiency: per path, the smallest size it was seen with over the sum of every size it
 * was seen with (leaves of each layer; a whiteout of a directory counts the directory's bytes, of a
 * file 0), over all paths. `potentialWastedBytes` is dive's "potential wasted space": the summed
 * sizes of every path seen in more than one layer.
 */
export interface Efficiency {
  readonly score: number;
  readonly potentialWastedBytes: number;
  /** Bytes of every layer but the first (dive's "user" bytes). */
  readonly userSizeBytes: number;
  /** potentialWastedBytes / userSizeBytes (0 when there are no user bytes). */
  readonly wastedUserRatio: number;
}

/** An image's file system as the report sees it. */
export interface ImageFileSystem {
  readonly root: FileNode;
  readonly layers: readonly LayerInfo[];
  /** Sum of the layers' content bytes (everything written, wasted included). */
  readonly addedBytes: number;
  /** Bytes visible in the final file system (root.total). */
  readonly totalBytes: number;
  /** Bytes written in one layer and deleted or overwritten later. */
  readonly wastedBytes: number;
  readonly removed: readonly RemovedPath[];
  readonly efficiency: Efficiency;
  /** Whether regular files carry content hashes. */
  readonly hashed: boolean;
}
