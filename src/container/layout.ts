import { join } from 'node:path';

/*
 * Where containers live, under the state root:
 *
 *   containers/<id>/state.json      the container: what `run` asked for and where it is now (atomic)
 *   containers/<id>/log.json        its output, one JSON object per line (docker's json-file driver)
 *   containers/<id>/upper, work     the overlay's writable layer: kept until `rm`
 *   containers/<id>/rootfs          the overlay mount (while running)
 *   containers/<id>/l/              short links to the image's layers (long lowerdir lists)
 *   containers/<id>/bundle/         the OCI bundle runc runs (config.json)
 *   containers/<id>/etc/            generated hosts, resolv.conf and hostname
 *   containers/<id>/netns           the network namespace, bind-mounted (private network, while running)
 *   containers/<id>/slirp.sock      slirp4netns's API socket (while running)
 *   containers/<id>/supervisor.log  what a detached supervisor wrote to stdout/stderr (its own errors)
 *   containers/names/<name>         the id a name belongs to (created exclusively: names are unique)
 *   containers/runc/                runc's state directory (`runc --root`)
 */

export function containersDir(root: string): string {
  return join(root, 'containers');
}

export function containerDir(root: string, id: string): string {
  return join(root, 'containers', id);
}

export function stateFile(root: string, id: string): string {
  return join(containerDir(root, id), 'state.json');
}

export function logFile(root: string, id: string): string {
  return join(containerDir(root, id), 'log.json');
}

export function namesDir(root: string): string {
  return join(root, 'containers', 'names');
}

export function runcStateDir(root: string): string {
  return join(root, 'containers', 'runc');
}

/** A container id: 64 lowercase hex digits, as docker's. */
export const CONTAINER_ID_PATTERN = /^[0-9a-f]{64}$/;
