export { bootstrapBaseImages, selectRecipes, BOOTSTRAP_KEY_LABEL, HOST_CA_PATH } from './bootstrap.js';
export type { BootstrapOptions, BootstrapResult } from './bootstrap.js';
export { BASE_IMAGE_RECIPES, findRecipe } from './recipes.js';
export type { BaseImageRecipe } from './recipes.js';
export { findDebianMirror, parseAptSources } from './debian-mirror.js';
export type { DebianMirror } from './debian-mirror.js';
