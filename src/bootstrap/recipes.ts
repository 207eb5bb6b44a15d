import type { ContainerConfig } from '../oci/index.js';

/**
 * The base images `stagecraft bootstrap` makes from Debian packages, standing in for Docker Hub's
 * images on machines that cannot reach it. Each is the cleaned debootstrap minbase plus one layer
 * of packages, so they all share their first layer as the real images share theirs.
 */
export interface BaseImageRecipe {
  /** The tags the image gets, first is its name. */
  readonly tags: readonly string[];
  /** Debian packages installed (with --no-install-recommends) over minbase. */
  readonly packages: readonly string[];
  /** Shell run in the image after the packages (as root, `sh -c`). */
  readonly script?: string;
  readonly config: ContainerConfig;
  readonly description: string;
}

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const BASE_IMAGE_RECIPES: readonly BaseImageRecipe[] = [
  {
    tags: ['debian:bookworm-slim', 'debian:12-slim'],
    packages: [],
    config: { Env: [PATH], Cmd: ['bash'] },
    description: 'Debian 12 minbase, apt lists and caches removed',
  },
  {
    tags: ['node:18', 'node:18-bookworm'],
    packages: ['nodejs', 'npm'],
    config: { Env: [PATH, 'NODE_VERSION=18'], Cmd: ['node'] },
    description: 'Node.js 18 with npm (Debian nodejs + npm)',
  },
  {
    tags: ['node:18-slim', 'node:18-bookworm-slim'],
    packages: ['nodejs'],
    config: { Env: [PATH, 'NODE_VERSION=18'], Cmd: ['node'] },
    description: 'Node.js 18 runtime only (Debian nodejs)',
  },
  {
    tags: ['golang:1.19', 'golang:1.19-bookworm'],
    packages: ['golang-go', 'gcc', 'libc6-dev', 'git', 'ca-certificates'],
    script: 'mkdir -p /go/bin /go/src',
    config: {
      Env: ['PATH=/go/bin:/usr/lib/go-1.19/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GOPATH=/go', 'GOLANG_VERSION=1.19'],
      WorkingDir: '/go',
      Cmd: ['bash'],
    },
    description: 'Go 1.19 toolchain with gcc for cgo (Debian golang-go)',
  },
  {
    tags: ['python:3.11', 'python:3.11-bookworm'],
    packages: ['python3', 'python3-pip', 'python3-venv', 'python3-dev', 'python-is-python3', 'gcc', 'libc6-dev'],
    config: { Env: [PATH, 'LANG=C.UTF-8', 'PYTHON_VERSION=3.11'], Cmd: ['python3'] },
    description: 'Python 3.11 with pip, venv, headers and gcc for building wheels',
  },
  {
    tags: ['python:3.11-slim', 'python:3.11-slim-bookworm'],
    packages: ['python3', 'python3-pip', 'python-is-python3'],
    config: { Env: [PATH, 'LANG=C.UTF-8', 'PYTHON_VERSION=3.11'], Cmd: ['python3'] },
    description: 'Python 3.11 runtime with pip',
  },
  {
    tags: ['nginx:bookworm', 'nginx:latest'],
    packages: ['nginx'],
    script: [
      'mkdir -p /usr/share/nginx/html',
      'cp /var/www/html/index.nginx-debian.html /usr/share/nginx/html/index.html',
      "sed -i 's#root /var/www/html;#root /usr/share/nginx/html;#' /etc/nginx/sites-available/default",
      'ln -sf /dev/stdout /var/log/nginx/access.log',
      'ln -sf /dev/stderr /var/log/nginx/error.log',
    ].join(' && '),
    config: {
      Env: [PATH],
      ExposedPorts: { '80/tcp': {} },
      StopSignal: 'SIGQUIT',
      Cmd: ['nginx', '-g', 'daemon off;'],
    },
    description: 'nginx serving /usr/share/nginx/html (as the official image), logs to stdout/stderr',
  },
];

/** The recipe whose tags include `name` (`node:18`), or undefined. */
export function findRecipe(name: string): BaseImageRecipe | undefined {
  const wanted = name.includes(':') ? name : `${name}:latest`;
  return BASE_IMAGE_RECIPES.find((r) => r.tags.includes(wanted));
}
