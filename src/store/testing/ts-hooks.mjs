// Module hooks that let a child node process run this repository's TypeScript directly (the tests
// spawn real processes to exercise locking and crash safety). `.js` imports that name a `.ts`
// source resolve to it; `.ts` files are transpiled with the installed TypeScript, types dropped.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Loading the TypeScript compiler takes seconds on a slow machine, so output is cached by the hash
// of the source and the compiler is only loaded on a miss.
const CACHE = join(tmpdir(), 'stagecraft-test-ts-cache');
let compiler;

async function transpile(fileName, source) {
  const key = createHash('sha256').update(fileName).update('\0').update(source).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  try {
    return await readFile(cached, 'utf8');
  } catch {
    // miss
  }
  compiler ??= (await import('typescript')).default;
  const output = compiler.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: compiler.ModuleKind.ESNext,
      target: compiler.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  }).outputText;
  await mkdir(CACHE, { recursive: true });
  const temp = `${cached}.${process.pid}.tmp`;
  await writeFile(temp, output);
  await rename(temp, cached);
  return output;
}

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.startsWith('file:') && (specifier.startsWith('.') || specifier.startsWith('file:'))) {
    const url = new URL(specifier, context.parentURL);
    const tsUrl = new URL(url.href.slice(0, -3) + '.ts');
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(tsUrl))) return next(tsUrl.href, context);
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const fileName = fileURLToPath(url);
    const source = await readFile(fileName, 'utf8');
    return { format: 'module', source: await transpile(fileName, source), shortCircuit: true };
  }
  return next(url, context);
}
