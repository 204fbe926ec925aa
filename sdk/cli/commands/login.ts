// `skiff login` / `skiff logout`: credentials for a registry, checked before
// they are stored (in SKIFF_HOME/config.json, Docker's format).

import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { asCliError, collect, insecureRegistries } from '../image-context.js';
import { skiffHome } from '../paths.js';

interface LoginFlags {
  readonly username?: string;
  readonly password?: string;
  readonly passwordStdin?: boolean;
  readonly insecure: string[];
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('Log in to a registry (credentials are verified, then stored)')
    .argument('<registry>', 'host[:port]')
    .option('-u, --username <name>')
    .option('-p, --password <password>', 'prefer --password-stdin')
    .option('--password-stdin', 'read the password from standard input')
    .option('--insecure <registry>', 'use plain HTTP for this registry (repeatable)', collect, [])
    .action(async (registry: string, flags: LoginFlags) => {
      if (!flags.username) throw new CliError('login: --username is required');
      const password = flags.passwordStdin ? await readStdin() : flags.password;
      if (!password)
        throw new CliError('login: give the password with --password-stdin (or --password)');
      const { credentialsFile, login } =
        await import('../../../runtime/images/credentials/index.js');
      await login(
        registry,
        { username: flags.username, password },
        { file: credentialsFile(skiffHome()), insecure: insecureRegistries(flags.insecure) },
      ).catch(asCliError);
      process.stdout.write('Login Succeeded\n');
    });

  program
    .command('logout')
    .description('Forget the stored credentials of a registry')
    .argument('<registry>', 'host[:port]')
    .action(async (registry: string) => {
      const { credentialsFile, logout } =
        await import('../../../runtime/images/credentials/index.js');
      const removed = await logout(registry, credentialsFile(skiffHome())).catch(asCliError);
      process.stdout.write(
        removed ? `Removing login credentials for ${registry}\n` : `Not logged in to ${registry}\n`,
      );
    });
}
