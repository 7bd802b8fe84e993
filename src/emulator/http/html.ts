/**
 * The HTML of the sign-in and device login pages: small, escaped, no scripts.
 *
 * @packageDocumentation
 */
import type { Reply } from './call.js';

const STYLE =
  'body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0}' +
  'main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem 2.5rem;' +
  'box-shadow:0 2px 6px rgba(0,0,0,.2)}h1{font-size:1.5rem;font-weight:600}' +
  'label{display:block;margin:1rem 0 .25rem}input[type=text],input[type=password]' +
  '{width:100%;padding:.4rem;box-sizing:border-box}.actions{margin-top:1.5rem;' +
  'display:flex;gap:.5rem;justify-content:flex-end}.error{color:#a80000}' +
  '.note{color:#666;font-size:.8rem;margin-top:2rem}';

/** Escapes `value` for HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A complete `text/html` reply. `body` must already be escaped. */
export function htmlReply(status: number, title: string, body: string): Reply {
  const html =
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main>${body}<p class="note">Microsoft Entra ID emulator (reactive-identity)</p>` +
    '</main></body></html>\n';
  return { status, body: html, headers: { 'Content-Type': 'text/html; charset=utf-8' } };
}

/** Hidden inputs carrying `params`. */
export function hiddenInputs(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => hidden(name, value))
    .join('');
}

/** One hidden input. */
export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** A text input with a label; a password input never shows a value. */
export function textField(
  label: string,
  name: string,
  value = '',
  autocomplete = 'off',
  type: 'text' | 'password' = 'text',
): string {
  const shown = type === 'password' ? '' : ` value="${escapeHtml(value)}"`;
  return (
    `<label for="${name}">${escapeHtml(label)}</label>` +
    `<input type="${type}" id="${name}" name="${name}" autocomplete="${autocomplete}"${shown}>`
  );
}

/** The username and (always empty) password fields. */
export function credentialFields(username = ''): string {
  return (
    textField('Email or username', 'username', username, 'username') +
    textField('Password', 'password', '', 'current-password', 'password')
  );
}

/** Approve (first, so Enter approves) and Cancel submit buttons named `action`. */
export function decisionButtons(approveLabel = 'Approve'): string {
  return (
    '<div class="actions">' +
    `<button type="submit" name="action" value="approve">${escapeHtml(approveLabel)}</button>` +
    '<button type="submit" name="action" value="cancel">Cancel</button></div>'
  );
}

/** An error paragraph, or nothing. */
export function errorParagraph(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>`;
}
