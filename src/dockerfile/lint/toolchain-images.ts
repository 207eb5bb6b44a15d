import { imageRepository } from './image-env.js';

/** What to run the final stage on instead of a full toolchain image. */
export interface RuntimeSuggestion {
  /** What the image carries that a runtime does not need. */
  readonly carries: string;
  /** The image (or kind of image) to use instead. */
  readonly instead: string;
  /**
   * True when the program must be built in another stage and only its output copied (compiled
   * languages); false when a slim variant of the same image runs the same code.
   */
  readonly needsBuilder: boolean;
}

const DEBIAN_SUITES = ['trixie', 'bookworm', 'bullseye', 'buster'];

function tagOf(image: string): string {
  const name = image.split('@')[0] ?? image;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}

/** `18` → `18-slim`, `latest` → `slim`; `slimFirst` puts `slim` before a Debian suite (`3.12-slim-bookworm`). */
function slimTag(tag: string, slimFirst: boolean): string {
  if (tag === 'latest') return 'slim';
  const suite = DEBIAN_SUITES.find((name) => tag === name || tag.endsWith(`-${name}`));
  if (slimFirst && suite !== undefined) {
    const version = tag.slice(0, tag.length - suite.length).replace(/-$/, '');
    return version === '' ? `slim-${suite}` : `${version}-slim-${suite}`;
  }
  return `${tag}-slim`;
}

function isSlimmed(tag: string): boolean {
  return /(^|-)(slim|alpine|distroless|chiseled|jre|runtime|windowsservercore|nanoserver)/.test(tag);
}

const COMPILED_RUNTIME = "a small runtime image such as 'gcr.io/distroless/static-debian12' or 'debian:bookworm-slim'";

/**
 * The runtime to suggest when a final stage runs on `image`, if `image` is a full build-toolchain
 * image with a slimmer alternative; undefined for anything else (already slim, or not a toolchain).
 */
export function runtimeSuggestion(image: string): RuntimeSuggestion | undefined {
  const repository = imageRepository(image);
  const tag = tagOf(image);
  switch (repository) {
    case 'node':
      if (isSlimmed(tag)) return undefined;
      return { carries: 'compilers, headers and build tools', instead: `'node:${slimTag(tag, false)}'`, needsBuilder: false };
    case 'python':
    case 'ruby':
      if (isSlimmed(tag)) return undefined;
      return {
        carries: 'compilers, headers and build tools',
        instead: `'${repository}:${slimTag(tag, true)}'`,
        needsBuilder: false,
      };
    case 'golang':
      return { carries: 'the whole Go toolchain', instead: COMPILED_RUNTIME, needsBuilder: true };
    case 'rust':
      return {
        carries: 'the whole Rust toolchain',
        instead: "a small runtime image such as 'gcr.io/distroless/cc-debian12' or 'debian:bookworm-slim'",
        needsBuilder: true,
      };
    case 'gcc':
    case 'buildpack-deps':
      return { carries: 'compilers and build tools', instead: "'debian:bookworm-slim'", needsBuilder: true };
    case 'maven':
    case 'gradle':
      return { carries: 'a JDK and a build tool', instead: "a JRE image such as 'eclipse-temurin:21-jre'", needsBuilder: true };
    case 'openjdk':
    case 'eclipse-temurin': {
      if (isSlimmed(tag)) return undefined;
      const jre = tag === 'latest' ? 'jre' : tag.includes('-jdk') ? tag.replace('-jdk', '-jre') : `${tag}-jre`;
      return { carries: 'a full JDK', instead: `'eclipse-temurin:${jre}'`, needsBuilder: false };
    }
    case 'mcr.microsoft.com/dotnet/sdk':
      return {
        carries: 'the .NET SDK',
        instead: `'mcr.microsoft.com/dotnet/aspnet:${tag}' or 'mcr.microsoft.com/dotnet/runtime:${tag}'`,
        needsBuilder: true,
      };
    default:
      return undefined;
  }
}
