/**
 * Bad input to the user credentials: each credential's table (`<credential>.badInput.ts`
 * beside this file), run by the harness in test/support/badInput.ts on one emulator.
 */
import { describeBadInput } from '../../support/badInput.js';
import { authorizationCodeRows } from './authorizationCodeCredential.badInput.js';
import { deviceCodeRows } from './deviceCodeCredential.badInput.js';
import { interactiveBrowserRows } from './interactiveBrowserCredential.badInput.js';

describeBadInput({
  AuthorizationCodeCredential: authorizationCodeRows,
  DeviceCodeCredential: deviceCodeRows,
  InteractiveBrowserCredential: interactiveBrowserRows,
});
