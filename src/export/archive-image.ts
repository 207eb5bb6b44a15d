import type { Image } from '../image/index.js';

/** One image found in (or written to) an archive, with the names it is tagged with there. */
export interface ArchiveImage {
  readonly image: Image;
  /** References as docker shows them (`node:18`, `localhost:5000/app:1`); empty when untagged. */
  readonly tags: readonly string[];
}

/** An archive once read: its images, and `close()` to let go of temporary files it needed. */
export interface LoadedArchive {
  readonly format: 'oci-layout' | 'docker-archive';
  readonly images: readonly ArchiveImage[];
  close(): Promise<void>;
}
