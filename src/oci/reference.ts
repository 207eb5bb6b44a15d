import { BuildError } from '../errors/index.js';
import { isDigest } from './digest.js';
import type { Digest } from './digest.js';

/**
 * An image reference normalised the way docker does it (github.com/distribution/reference):
 * `node:18` is registry `docker.io`, repository `library/node`, tag `18`.
 */
export interface ImageReference {
  /** The registry host, with its port if any: `docker.io`, `localhost:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** The path inside the registry, always lowercase: `library/node`, `team/app`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
  /** `registry/repository`: the full name without tag or digest. */
  readonly name: string;
  /** The name as docker shows it: `node`, `team/app`, `localhost:5000/x`. */
  readonly familiarName: string;
  /** The reference as docker shows it: `node:18`, `team/app@sha256:...`. */
  readonly familiar: string;
  /** The fully qualified form: `docker.io/library/node:18`. */
  toString(): string;
}

export interface ParseReferenceOptions {
  /**
   * Whether a reference with neither tag nor digest gets the tag `latest` (the default, as docker
   * does for pulls and builds). Set false to keep a bare name bare.
   */
  readonly defaultTag?: boolean;
}

export const DEFAULT_REGISTRY = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_MAX_LENGTH = 255;

// The grammar of distribution/reference, as regular expressions of our own.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE_PATTERN = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const NAME_PATTERN = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)$`);
const TAG_PATTERN = new RegExp(`^${TAG}$`);
const IDENTIFIER_PATTERN = /^[a-f0-9]{64}$/;

function invalid(text: string, reason: string, hint?: string): BuildError<'INVALID_REFERENCE'> {
  return new BuildError('INVALID_REFERENCE', `invalid reference format: ${reason}: ${JSON.stringify(text)}`, {
    details: { reference: text },
    ...(hint !== undefined ? { hint } : {}),
  });
}

/**
 * Splits a familiar name into registry and the rest. The first path element is a registry when it
 * is `localhost`, contains a `.` or a `:`, or has an uppercase letter (a repository never does);
 * otherwise the name is on Docker Hub, where a one-element name lives under `library/`.
 */
function splitRegistry(text: string): { registry: string; remainder: string } {
  const slash = text.indexOf('/');
  if (slash === -1) return { registry: DEFAULT_REGISTRY, remainder: OFFICIAL_PREFIX + text };
  const first = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  let registry: string;
  let remainder: string;
  if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    registry = first === LEGACY_DEFAULT_REGISTRY ? DEFAULT_REGISTRY : first;
    remainder = rest;
  } else {
    registry = DEFAULT_REGISTRY;
    remainder = text;
  }
  if (registry === DEFAULT_REGISTRY && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { registry, remainder };
}

function familiarizeName(registry: string, repository: string): string {
  if (registry !== DEFAULT_REGISTRY) return `${registry}/${repository}`;
  if (repository.startsWith(OFFICIAL_PREFIX)) {
    const short = repository.slice(OFFICIAL_PREFIX.length);
    if (!short.includes('/')) return short;
  }
  return repository;
}

function suffix(tag: string | undefined, digest: Digest | undefined): string {
  return (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
}

/** Builds a reference from parts that are already valid (see parseReference for the checks). */
export function makeReference(parts: {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: Digest | undefined;
}): ImageReference {
  const { registry, repository, tag, digest } = parts;
  const name = `${registry}/${repository}`;
  const familiarName = familiarizeName(registry, repository);
  const full = name + suffix(tag, digest);
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    name,
    familiarName,
    familiar: familiarName + suffix(tag, digest),
    toString: () => full,
  };
}

/**
 * Parses an image reference with docker's rules: `node:18` → `docker.io/library/node:18`,
 * `localhost:5000/x`, `host.tld/a/b:t@sha256:...`, `index.docker.io/x` → `docker.io/library/x`.
 * Without tag or digest the tag is `latest` (unless `defaultTag: false`). Throws INVALID_REFERENCE.
 */
export function parseReference(text: string, options: ParseReferenceOptions = {}): ImageReference {
  if (text === '') throw invalid(text, 'repository name must have at least one component');
  if (IDENTIFIER_PATTERN.test(text)) {
    throw invalid(text, 'cannot specify 64-byte hexadecimal strings as a repository name', 'use the image ID with `sha256:` or a name');
  }
  const { registry, remainder } = splitRegistry(text);
  const colon = remainder.indexOf(':');
  const at = remainder.indexOf('@');
  const cut = [colon, at].filter((i) => i >= 0);
  const repositoryPart = cut.length > 0 ? remainder.slice(0, Math.min(...cut)) : remainder;
  if (repositoryPart.toLowerCase() !== repositoryPart) {
    throw invalid(text, 'repository name must be lowercase', `try ${JSON.stringify(text.toLowerCase())}`);
  }
  const match = REFERENCE_PATTERN.exec(`${registry}/${remainder}`);
  if (match === null) throw invalid(text, 'not a valid image reference', 'the form is [registry/]name[:tag][@digest]');
  const [, fullName = '', tag, digestText] = match;
  if (fullName.length > NAME_MAX_LENGTH) throw invalid(text, `repository name must not be more than ${NAME_MAX_LENGTH} characters`);
  const nameMatch = NAME_PATTERN.exec(fullName);
  const repository = nameMatch?.[2];
  // A first element that looked like a host but is not a valid one (`exa_mple.com/x`) is refused.
  if (nameMatch?.[1] !== registry || repository === undefined) {
    throw invalid(text, 'not a valid image reference', 'the form is [registry/]name[:tag][@digest]');
  }
  let digest: Digest | undefined;
  if (digestText !== undefined) {
    if (!isDigest(digestText)) throw invalid(text, 'unsupported or malformed digest', 'a digest is sha256: and 64 lowercase hex digits');
    digest = digestText;
  }
  const defaultTag = options.defaultTag ?? true;
  const effectiveTag = tag ?? (digest === undefined && defaultTag ? DEFAULT_TAG : undefined);
  return makeReference({ registry, repository, tag: effectiveTag, digest });
}

/** Whether `text` is a valid tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`). */
export function isValidTag(text: string): boolean {
  return TAG_PATTERN.test(text);
}
