import { walkTree } from './file-tree.js';
import type { FileNode } from './types.js';

/** A language toolchain (or part of one) recognised by where its files live. */
export interface ToolchainRule {
  readonly name: string;
  readonly patterns: readonly RegExp[];
}

const MULTIARCH = '[a-z0-9_]+-linux-gnu[a-z0-9_]*';

/** Checked in order: the first rule whose pattern matches a file's path owns it. */
export const TOOLCHAIN_RULES: readonly ToolchainRule[] = [
  { name: 'Node.js headers', patterns: [/^\/usr\/(local\/)?include\/node(js)?\//] },
  { name: 'Python headers', patterns: [/^\/usr\/(local\/)?include\/python\d/, new RegExp(`^/usr/include/${MULTIARCH}/python\\d`)] },
  {
    name: 'gcc (C/C++ compiler)',
    patterns: [
      /^\/usr\/(lib|libexec)\/gcc(-cross)?\//,
      /^\/usr\/bin\/([a-z0-9_]+-linux-gnu-)?(gcc|g\+\+|cpp|cc|c\+\+|gcov[a-z-]*|lto-dump)(-\d+)?$/,
      new RegExp(`^/usr/lib/${MULTIARCH}/lib(asan|tsan|ubsan|lsan|hwasan|itm|quadmath|cc1|isl|mpc|mpfr)\\.`),
    ],
  },
  {
    name: 'binutils (linker, assembler)',
    patterns: [
      /^\/usr\/bin\/([a-z0-9_]+-linux-gnu-)?(ld|ld\.bfd|ld\.gold|as|ar|nm|objcopy|objdump|ranlib|readelf|strip|size|strings|gprof|addr2line|c\+\+filt|elfedit|gp-[a-z-]+|dwp)$/,
      new RegExp(`^/usr/lib/${MULTIARCH}/lib(bfd|opcodes|ctf|ctf-nobfd|sframe|gprofng)[-.]`),
      /^\/usr\/[a-z0-9_]+-linux-gnu\/bin\//,
    ],
  },
  { name: 'C library headers and static libraries', patterns: [/^\/usr\/include\//, new RegExp(`^/usr/lib/${MULTIARCH}/[^/]+\\.(a|o)$`)] },
  { name: 'Go', patterns: [/^\/usr\/(lib|share)\/go(-\d[^/]*)?\//, /^\/usr\/local\/go\//, /^\/go\/pkg\//, /^\/root\/go\/pkg\//, /^\/root\/\.cache\/go-build\//] },
  { name: 'Rust', patterns: [/^\/usr\/local\/(cargo|rustup)\//, /^\/root\/\.(cargo|rustup)\//, /^\/usr\/lib\/rustlib\//] },
  { name: 'Python', patterns: [/^\/usr\/(local\/)?lib\/python\d[^/]*\//, /^\/usr\/(local\/)?bin\/python\d/, new RegExp(`^/usr/lib/${MULTIARCH}/libpython\\d`)] },
  { name: 'Node.js runtime', patterns: [/^\/usr\/(local\/)?bin\/node(js)?$/, new RegExp(`^/usr/lib/${MULTIARCH}/libnode\\.`)] },
  { name: 'Java', patterns: [/^\/usr\/lib\/jvm\//, /^\/opt\/java\//] },
  { name: 'Perl', patterns: [new RegExp(`^/usr/lib/${MULTIARCH}/perl[^/]*/`), /^\/usr\/share\/perl[^/]*\//, /^\/usr\/bin\/perl[\d.]*$/] },
  { name: 'make and build tools', patterns: [/^\/usr\/bin\/(make|gmake|cmake|ninja|autoconf|automake|libtool|pkg-config|pkgconf)$/, /^\/usr\/share\/(cmake[^/]*|automake[^/]*|autoconf|libtool)\//] },
];

/** The toolchain a path belongs to, or undefined. */
export function toolchainOf(path: string): string | undefined {
  for (const rule of TOOLCHAIN_RULES) if (rule.patterns.some((p) => p.test(path))) return rule.name;
  return undefined;
}

/** Bytes and files per toolchain in a tree (toolchains absent from it are left out). */
export function measureToolchains(root: FileNode): Map<string, { bytes: number; files: number }> {
  const result = new Map<string, { bytes: number; files: number }>();
  walkTree(root, (node) => {
    if (node.kind === 'dir') return;
    const name = toolchainOf(node.path);
    if (name === undefined) return;
    const entry = result.get(name) ?? { bytes: 0, files: 0 };
    entry.bytes += node.size;
    entry.files += 1;
    result.set(name, entry);
  });
  return result;
}
