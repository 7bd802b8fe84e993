import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Emulator } from '../../src/emulator/index.js';

/** POSTs a form over plain HTTP (the loopback listener) and reads the answer. */
export function postForm(
  url: string,
  fields: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(new URLSearchParams(fields).toString());
  });
}

/** One HTTPS request to the emulator (trusting its CA). */
export function emulatorRequest(
  em: Emulator,
  url: string,
  init: { method?: string; form?: Record<string, string>; json?: unknown } = {},
): Promise<{
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}> {
  const body =
    init.json !== undefined
      ? JSON.stringify(init.json)
      : init.form
        ? new URLSearchParams(init.form).toString()
        : undefined;
  const contentType =
    init.json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: init.method ?? (body ? 'POST' : 'GET'),
        ca: em.ca,
        headers: body ? { 'content-type': contentType } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The `<form>` of an HTML page: its action and every input's name and value. */
export function parseForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? '';
    if (name !== undefined) fields[unescape(name)] = unescape(value);
  }
  return { action: unescape(action), fields };
}

function unescape(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Plays the browser through the emulator's real sign-in page: loads it, submits the form with
 * the user's answer, then posts the authorization response to the loopback listener, as the
 * page's auto-submitting form would.
 */
export async function playBrowser(
  em: Emulator,
  authorizeUrl: string,
  answer: { username: string; password: string; action: 'approve' | 'cancel' },
): Promise<void> {
  const page = await emulatorRequest(em, authorizeUrl);
  const signIn = parseForm(page.text);
  const submitted = await emulatorRequest(em, new URL(signIn.action, em.url).toString(), {
    form: { ...signIn.fields, ...answer },
  });
  const response = parseForm(submitted.text);
  await postForm(response.action, response.fields);
}
