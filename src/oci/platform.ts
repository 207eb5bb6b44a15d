/** An OCI platform (os/architecture[/variant]). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

const NODE_ARCH_TO_OCI: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The platform of this machine, in OCI terms (node's `x64` is `amd64`). */
export function hostPlatform(nodePlatform: string, nodeArch: string): Platform {
  const architecture = NODE_ARCH_TO_OCI[nodeArch] ?? nodeArch;
  const os = nodePlatform === 'win32' ? 'windows' : nodePlatform;
  return architecture === 'arm' ? { os, architecture, variant: 'v7' } : { os, architecture };
}

/** `linux/amd64`, `linux/arm/v7`. */
export function formatPlatform(p: Platform): string {
  return p.variant !== undefined && p.variant !== '' ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** Parses `os/arch[/variant]` (or `os/arch/variant` forms docker accepts); undefined if malformed. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture) return undefined;
  const arch = architecture === 'x86_64' || architecture === 'x86-64' ? 'amd64' : architecture === 'aarch64' ? 'arm64' : architecture;
  return variant !== undefined && variant !== '' ? { os, architecture: arch, variant } : { os, architecture: arch };
}

/** Whether an index entry's platform is what we asked for (variant only compared when asked). */
export function platformMatches(candidate: Platform | undefined, wanted: Platform): boolean {
  if (candidate === undefined) return false;
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (wanted.variant !== undefined && candidate.variant !== undefined) return candidate.variant === wanted.variant;
  return true;
}
