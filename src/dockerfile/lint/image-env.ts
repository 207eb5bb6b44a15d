/**
 * The environment variables well-known official images set in their config, so UndefinedVar does
 * not flag `$NODE_VERSION` on `FROM node`. BuildKit reads the real config of the base image; the
 * lint core resolves no images, so this table (and the caller's `imageEnv`) stands in for it.
 * Every image also gets PATH, as BuildKit gives one to an image without it.
 */
const KNOWN_IMAGE_ENV: Readonly<Record<string, readonly string[]>> = {
  node: ['NODE_VERSION', 'YARN_VERSION'],
  python: ['LANG', 'GPG_KEY', 'PYTHON_VERSION', 'PYTHON_SHA256', 'PYTHON_PIP_VERSION', 'PYTHON_SETUPTOOLS_VERSION', 'PYTHON_GET_PIP_URL', 'PYTHON_GET_PIP_SHA256'],
  golang: ['GOLANG_VERSION', 'GOPATH', 'GOTOOLCHAIN'],
  nginx: ['NGINX_VERSION', 'NJS_VERSION', 'NJS_RELEASE', 'PKG_RELEASE', 'DYNPKG_RELEASE'],
  httpd: ['HTTPD_PREFIX', 'HTTPD_VERSION', 'HTTPD_SHA256', 'HTTPD_PATCHES'],
  ruby: ['LANG', 'RUBY_MAJOR', 'RUBY_VERSION', 'RUBY_DOWNLOAD_SHA256', 'RUBY_DOWNLOAD_URL', 'GEM_HOME', 'BUNDLE_SILENCE_ROOT_WARNING', 'BUNDLE_APP_CONFIG'],
  rust: ['RUSTUP_HOME', 'CARGO_HOME', 'RUST_VERSION'],
  php: ['PHPIZE_DEPS', 'PHP_INI_DIR', 'PHP_CFLAGS', 'PHP_CPPFLAGS', 'PHP_LDFLAGS', 'GPG_KEYS', 'PHP_VERSION', 'PHP_URL', 'PHP_ASC_URL', 'PHP_SHA256'],
  openjdk: ['JAVA_HOME', 'LANG', 'JAVA_VERSION'],
  'eclipse-temurin': ['JAVA_HOME', 'LANG', 'LANGUAGE', 'LC_ALL', 'JAVA_VERSION'],
  maven: ['JAVA_HOME', 'LANG', 'LANGUAGE', 'LC_ALL', 'JAVA_VERSION', 'MAVEN_HOME', 'MAVEN_CONFIG'],
  gradle: ['JAVA_HOME', 'LANG', 'LANGUAGE', 'LC_ALL', 'JAVA_VERSION', 'GRADLE_HOME', 'GRADLE_VERSION'],
  postgres: ['GOSU_VERSION', 'LANG', 'PG_MAJOR', 'PG_VERSION', 'PGDATA'],
  redis: ['REDIS_DOWNLOAD_URL', 'REDIS_DOWNLOAD_SHA', 'REDIS_VERSION'],
};

/** The repository part of an image reference, without registry, `library/`, tag or digest. */
export function imageRepository(image: string): string {
  let name = image.split('@')[0] ?? image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) name = name.slice(0, colon);
  name = name.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  return name;
}

/** The variable names a base image is known to set: PATH, plus the table's for official images. */
export function knownImageEnv(image: string): readonly string[] {
  return ['PATH', ...(KNOWN_IMAGE_ENV[imageRepository(image)] ?? [])];
}
