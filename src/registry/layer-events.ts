import { eventTime } from '../events/index.js';
import type { LayerProgressEvent } from '../events/index.js';
import type { PullProgress, PushProgress } from './progress.js';

/**
 * A sink for a pull's (or push's) progress that forwards it to the build's event stream as layer
 * events of step `id` (the FROM that needed the image): what a build renderer draws under a step.
 * Events with no layer (resolved, done, mirror fall-through) are not forwarded.
 */
export function toLayerEvents(
  id: string,
  reference: string,
  emit: (event: LayerProgressEvent) => void,
  clock: () => number = eventTime,
): (event: PullProgress | PushProgress) => void {
  return (event) => {
    const base = { id, reference, time: clock() };
    switch (event.type) {
      case 'layer-waiting':
        emit({ ...base, type: 'pull-progress', layer: event.digest, current: 0, total: event.size, status: 'waiting' });
        break;
      case 'layer-progress':
        emit({ ...base, type: 'pull-progress', layer: event.digest, current: event.current, total: event.total, status: 'downloading' });
        break;
      case 'layer-exists':
        emit({ ...base, type: 'pull-progress', layer: event.digest, current: event.size, total: event.size, status: 'exists' });
        break;
      case 'layer-done':
        emit({ ...base, type: 'pull-progress', layer: event.digest, current: event.size, total: event.size, status: 'done' });
        break;
      case 'preparing':
        emit({ ...base, type: 'push-progress', layer: event.digest, current: 0, total: event.size, status: 'waiting' });
        break;
      case 'blob-progress':
        // LayerStatus has no "uploading": the push-progress type tells a renderer the direction
        emit({ ...base, type: 'push-progress', layer: event.digest, current: event.current, total: event.total, status: 'downloading' });
        break;
      case 'blob-exists':
        emit({ ...base, type: 'push-progress', layer: event.digest, current: event.size, total: event.size, status: 'exists' });
        break;
      case 'blob-mounted':
        emit({ ...base, type: 'push-progress', layer: event.digest, current: event.size, total: event.size, status: 'mounted' });
        break;
      case 'blob-pushed':
        emit({ ...base, type: 'push-progress', layer: event.digest, current: event.size, total: event.size, status: 'done' });
        break;
      case 'resolved':
      case 'endpoint-failed':
      case 'layer-retry':
      case 'done':
      case 'manifest-pushed':
        break;
    }
  };
}
