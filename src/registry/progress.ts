import type { Digest } from '../oci/index.js';

/** What a pull reports as it goes (data; a renderer in src/cli/ draws it). */
export type PullProgress =
  /** The manifest was found at `endpoint` (`host/repository`); `mirror` when a mirror served it. */
  | { readonly type: 'resolved'; readonly reference: string; readonly endpoint: string; readonly mirror: boolean; readonly digest: Digest }
  /** An endpoint failed and the next one will be tried (`message` is secret-free). */
  | { readonly type: 'endpoint-failed'; readonly endpoint: string; readonly message: string }
  | { readonly type: 'layer-waiting'; readonly digest: Digest; readonly size: number }
  | { readonly type: 'layer-exists'; readonly digest: Digest; readonly size: number }
  | { readonly type: 'layer-progress'; readonly digest: Digest; readonly current: number; readonly total: number }
  | { readonly type: 'layer-retry'; readonly digest: Digest; readonly offset: number; readonly message: string }
  | { readonly type: 'layer-done'; readonly digest: Digest; readonly size: number }
  | { readonly type: 'done'; readonly reference: string; readonly digest: Digest };

/** What a push reports as it goes. */
export type PushProgress =
  | { readonly type: 'preparing'; readonly digest: Digest; readonly size: number }
  | { readonly type: 'blob-exists'; readonly digest: Digest; readonly size: number }
  | { readonly type: 'blob-mounted'; readonly digest: Digest; readonly size: number; readonly from: string }
  | { readonly type: 'blob-progress'; readonly digest: Digest; readonly current: number; readonly total: number }
  | { readonly type: 'blob-pushed'; readonly digest: Digest; readonly size: number }
  | { readonly type: 'manifest-pushed'; readonly reference: string; readonly digest: Digest; readonly size: number };
