/** `cardquant email …` commands: `check-domain` reports the sender-authentication records. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Config } from '../../config.ts';
import { print } from '../../platform/cli.ts';
import { checkDomain, dnsResolver, report, type CheckProvider } from './check-domain.ts';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i;

export function registerEmailCommands(root: Command, { config }: { config: () => Config }): void {
  const email = root.command('email').description('E-mail delivery: sender authentication.');
  email
    .command('check-domain <domain>')
    .description('Report whether the SPF, DKIM and DMARC records docs/EMAIL.md lists are published (exit 1 if not).')
    .option('--selector <selector>', 'DKIM selector (default: DKIM_SELECTOR; `resend` for Resend)')
    .addOption(
      new Option('--provider <provider>', 'provider the records are for (default: EMAIL_PROVIDER, or smtp)').choices([
        'smtp',
        'resend',
        'postmark',
      ]),
    )
    .action(async (domain: string, opts: { selector?: string; provider?: CheckProvider }) => {
      if (!DOMAIN.test(domain)) throw new InvalidArgumentError(`${domain} is not a domain name`);
      const cfg = config();
      const provider: CheckProvider =
        opts.provider ?? (cfg.EMAIL_PROVIDER === 'none' || cfg.EMAIL_PROVIDER === 'file' ? 'smtp' : cfg.EMAIL_PROVIDER);
      const selector = opts.selector ?? (provider === 'smtp' ? (cfg.DKIM_SELECTOR ?? null) : null);
      const checks = await checkDomain(dnsResolver(cfg.DNS_SERVERS), domain, { provider, selector });
      const { lines, exitCode } = report(checks);
      for (const line of lines) print(line);
      process.exitCode = exitCode;
    });
}
