import { InvalidArgumentError } from '../../errors.js';

/** The Microsoft Entra authority hosts of the national clouds, as `@azure/identity` exports them. */
export enum AzureAuthorityHosts {
  AzureChina = 'https://login.chinacloudapi.cn',
  /** @deprecated The Azure Germany cloud closed on 2021-10-29. */
  AzureGermany = 'https://login.microsoftonline.de',
  AzureGovernment = 'https://login.microsoftonline.us',
  AzurePublicCloud = 'https://login.microsoftonline.com',
}

export const DEFAULT_AUTHORITY_HOST: string = AzureAuthorityHosts.AzurePublicCloud;

/** The environment as the credentials read it: injectable so tests never touch `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The authority host to use: the option, else `AZURE_AUTHORITY_HOST`, else the public cloud.
 * Only `https:` is accepted: tokens and secrets never travel in clear text.
 */
export function resolveAuthorityHost(option: string | undefined, env: Environment): string {
  const raw = option ?? env.AZURE_AUTHORITY_HOST ?? DEFAULT_AUTHORITY_HOST;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new InvalidArgumentError(`The authority host "${raw}" is not a valid URL.`, {
      cause: error,
    });
  }
  if (url.protocol !== 'https:') {
    throw new InvalidArgumentError(
      `The authority host must use https; "${url.origin}" was given. Set authorityHost (or AZURE_AUTHORITY_HOST) to an https URL such as ${DEFAULT_AUTHORITY_HOST}.`,
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** Whether MSAL knows this host's metadata without asking the network. */
export function isPublicAuthorityHost(host: string): boolean {
  return (Object.values(AzureAuthorityHosts) as string[]).includes(host);
}
