/**
 * The device login page (`/devicelogin`): a person enters the user code and signs in.
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import type { Call, Outcome, Reply } from '../http/call.js';
import {
  credentialFields,
  decisionButtons,
  errorParagraph,
  escapeHtml,
  htmlReply,
  textField,
} from '../http/html.js';
import { passwordMatches } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { identityOf } from '../tokens/userToken.js';

const TITLE = 'Enter code';

/** `GET` shows the form (`?otc=<code>` prefills it); `POST` signs in or declines. */
export function deviceLoginEndpoint(ctx: EmulatorContext, call: Call): Outcome {
  if (call.method === 'GET' || call.method === 'HEAD') {
    return codePage(call.query['otc'] ?? call.query['user_code'] ?? '', '');
  }
  if (call.method !== 'POST') return aadErrors.methodNotAllowed(call.method);
  const userCode = call.form['user_code'] ?? '';
  const username = call.form['username'] ?? '';
  const record = ctx.grants.deviceCodes.pending(userCode);
  if (typeof record === 'string') {
    return codePage(userCode, username, "That code didn't work. Check the code and try again.");
  }
  const app = ctx.directory.findApp(record.tenant, record.clientId);
  const appName = app?.displayName ?? record.clientId;
  if (call.form['action'] === 'cancel') {
    ctx.grants.deviceCodes.deny(record);
    return donePage(`You have declined to sign in to ${appName} on your device.`);
  }
  const user = ctx.directory.findUser(record.tenant, username);
  if (!user || !passwordMatches(user, call.form['password'])) {
    const error = grantErrors.badCredentials();
    return codePage(userCode, username, `AADSTS${error.code ?? ''}: ${error.message}`);
  }
  ctx.grants.deviceCodes.approve(record, identityOf(user));
  return donePage(
    `You have signed in to the ${appName} application on your device. You may now close this ` +
      'window.',
  );
}

function codePage(userCode: string, username: string, error?: string): Reply {
  const body =
    `<h1>${TITLE}</h1><p>Enter the code displayed on your app or device, then sign in.</p>` +
    errorParagraph(error) +
    '<form method="post" action="/devicelogin">' +
    textField('Code', 'user_code', userCode, 'one-time-code') +
    credentialFields(username) +
    decisionButtons('Sign in') +
    '</form>';
  return htmlReply(200, TITLE, body);
}

function donePage(message: string): Reply {
  return htmlReply(200, TITLE, `<h1>${TITLE}</h1><p>${escapeHtml(message)}</p>`);
}
