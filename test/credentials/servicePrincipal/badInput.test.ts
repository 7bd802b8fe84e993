/**
 * Bad input to the servicePrincipal credentials: each credential's table (`<credential>.badInput.ts`
 * beside this file), run by the harness in test/support/badInput.ts on one emulator.
 */
import { describeBadInput } from '../../support/badInput.js';
import { clientAssertionRows } from './clientAssertionCredential.badInput.js';
import { clientCertificateRows } from './clientCertificateCredential.badInput.js';
import { clientSecretRows } from './clientSecretCredential.badInput.js';
import { environmentRows } from './environmentCredential.badInput.js';
import { onBehalfOfRows } from './onBehalfOfCredential.badInput.js';

describeBadInput({
  ClientSecretCredential: clientSecretRows,
  ClientCertificateCredential: clientCertificateRows,
  ClientAssertionCredential: clientAssertionRows,
  EnvironmentCredential: environmentRows,
  OnBehalfOfCredential: onBehalfOfRows,
});
