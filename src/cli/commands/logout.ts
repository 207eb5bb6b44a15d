import type { Command } from 'commander';

/** `stagecraft logout`: forgets the stored credentials of a registry. */
export function defineLogoutCommand(program: Command): void {
  program
    .command('logout')
    .description('log out from a registry (removes its stored credentials)')
    .argument('[server]', 'the registry (default: docker.io)', 'docker.io')
    .action(async (server: string) => {
      await runLogout(server);
    });
}

async function runLogout(server: string): Promise<void> {
  const registry = await import('../../registry/index.js');
  const name = registry.normalizeRegistryName(server);
  const configDir = registry.resolveDockerConfigDir(process.env);
  const removed = await registry.logout(server, { configDir });
  process.stdout.write(removed ? `Removing login credentials for ${name}\n` : `Not logged in to ${name}\n`);
}
