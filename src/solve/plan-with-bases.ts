import type { ParsedDockerfile } from '../dockerfile/instructions/index.js';
import { parsePlatform } from '../oci/index.js';
import type { Platform } from '../oci/index.js';
import { planBuild } from '../plan/index.js';
import type { BaseImageConfig, BuildPlan, PlanOptions } from '../plan/index.js';
import type { ResolvedImage } from './base-images.js';

/** How many times ONBUILD triggers of newly found images may bring in further images. */
const MAX_ROUNDS = 8;

function baseConfig(resolved: ResolvedImage): BaseImageConfig {
  const c = resolved.config.config ?? {};
  return {
    ...(c.Env !== undefined ? { env: c.Env } : {}),
    ...(c.WorkingDir !== undefined ? { workingDir: c.WorkingDir } : {}),
    ...(c.User !== undefined ? { user: c.User } : {}),
    ...(c.Shell !== undefined ? { shell: c.Shell } : {}),
    ...(c.OnBuild !== undefined && c.OnBuild !== null ? { onBuild: c.OnBuild } : {}),
  };
}

/** The images the needed stages read: their bases and `COPY --from` / `RUN --mount=from` images, with the platform each is for. */
export function neededImages(plan: BuildPlan, fallback: Platform): Map<string, Platform> {
  const out = new Map<string, Platform>();
  for (const stage of plan.stages) {
    if (!stage.needed) continue;
    const platform = parsePlatform(stage.platform) ?? fallback;
    if (stage.base.kind === 'image') out.set(stage.base.ref, platform);
    for (const image of stage.images) if (!out.has(image.ref)) out.set(image.ref, platform);
  }
  return out;
}

/**
 * Plans the build with its base images' configs (their ENV, WORKDIR, USER, SHELL and ONBUILD take
 * part in expansion as in BuildKit): plan, resolve the images the needed stages use, plan again
 * with them, until no new image turns up (an ONBUILD trigger may name one).
 */
export async function planWithBaseImages(
  parsed: ParsedDockerfile,
  options: PlanOptions,
  resolve: (ref: string, platform: Platform) => Promise<ResolvedImage>,
  /** Sees each round's plan before its images are resolved (checks that must fail before any pull). */
  onPlan?: (plan: BuildPlan) => void,
): Promise<{ plan: BuildPlan; images: ReadonlyMap<string, ResolvedImage> }> {
  const images = new Map<string, ResolvedImage>();
  const fallback = options.platform ?? options.hostPlatform;
  for (let round = 0; ; round++) {
    const plan = planBuild(parsed, {
      ...options,
      baseImage: (ref) => {
        const found = images.get(ref);
        return found === undefined ? undefined : baseConfig(found);
      },
    });
    onPlan?.(plan);
    const missing = [...neededImages(plan, fallback)].filter(([ref]) => !images.has(ref));
    if (missing.length === 0 || round >= MAX_ROUNDS) return { plan, images };
    const resolved = await Promise.all(missing.map(([ref, platform]) => resolve(ref, platform)));
    for (const image of resolved) images.set(image.ref, image);
  }
}
