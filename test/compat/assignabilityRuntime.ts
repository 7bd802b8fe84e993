/**
 * As assignability.ts, for the names of anchorApiRuntime.ts: the token provider, the default
 * credential function, the logger, plugins, and the credentials that plugins serve. Never run.
 */
import type { TokenCredential } from '@azure/core-auth';
import type * as anchor from '@azure/identity';
import type * as ours from '../../src/index.js';

type Assignable<From, To> = [From] extends [To] ? true : false;
type Holds<T extends true> = T;
type Public<T> = { [K in keyof T]: T[K] };
type Mutual<A, B> = [Assignable<A, B>, Assignable<B, A>] extends [true, true] ? true : false;

export type Runtime = [
  Holds<Mutual<ours.GetBearerTokenProviderOptions, anchor.GetBearerTokenProviderOptions>>,
  Holds<Mutual<ours.IdentityPlugin, anchor.IdentityPlugin>>,
  Holds<Mutual<ours.UsernamePasswordCredentialOptions, anchor.UsernamePasswordCredentialOptions>>,
  Holds<Mutual<ours.VisualStudioCodeCredentialOptions, anchor.VisualStudioCodeCredentialOptions>>,
  Holds<Mutual<typeof ours.logger, typeof anchor.logger>>,
  Holds<Assignable<typeof ours.getBearerTokenProvider, typeof anchor.getBearerTokenProvider>>,
  Holds<Assignable<typeof ours.getDefaultAzureCredential, typeof anchor.getDefaultAzureCredential>>,
  Holds<Assignable<typeof ours.useIdentityPlugin, typeof anchor.useIdentityPlugin>>,
  Holds<Assignable<ours.UsernamePasswordCredential, TokenCredential>>,
  Holds<Assignable<ours.UsernamePasswordCredential, Public<anchor.UsernamePasswordCredential>>>,
  Holds<Assignable<ours.VisualStudioCodeCredential, TokenCredential>>,
  Holds<Assignable<ours.VisualStudioCodeCredential, Public<anchor.VisualStudioCodeCredential>>>,
  Holds<
    Assignable<
      ConstructorParameters<typeof anchor.UsernamePasswordCredential>,
      ConstructorParameters<typeof ours.UsernamePasswordCredential>
    >
  >,
  Holds<
    Assignable<
      ConstructorParameters<typeof anchor.VisualStudioCodeCredential>,
      ConstructorParameters<typeof ours.VisualStudioCodeCredential>
    >
  >,
];
