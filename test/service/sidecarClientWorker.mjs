// A sidecar client in a process of its own, for sidecarClients.processes.test.ts: a managed
// identity credential of @azure/identity 4.13 ("anchor") or of this package's build ("ours"),
// configured by nothing but IDENTITY_ENDPOINT and IDENTITY_HEADER. It prints "ready" once loaded
// and constructed, waits for a line on stdin, asks for one token, and prints one JSON line:
// { token, expiresOnTimestamp, askedAt, answeredAt, egress } or { error, message, egress }
// (askedAt and answeredAt: epoch ms around the getToken call). Every socket it opens that
// does not end on loopback is listed in egress.
// argv: <anchor|ours> <scope> [clientId]
import { subscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';

const egress = [];
const loopback = (address) => /^(127\.|::1$|::ffff:127\.)/.test(address ?? '');
subscribe('net.client.socket', ({ socket }) => {
  socket.once('connect', () => {
    if (!loopback(socket.remoteAddress))
      egress.push(`${socket.remoteAddress}:${socket.remotePort}`);
  });
});

const [library, scope, clientId] = process.argv.slice(2);
const { ManagedIdentityCredential } =
  library === 'anchor' ? await import('@azure/identity') : await import('../../dist/esm/index.js');
const credential = clientId
  ? new ManagedIdentityCredential(clientId)
  : new ManagedIdentityCredential();
process.stdout.write('ready\n');
await once(process.stdin, 'data');
// Node empties its event loop while getToken waits only if nothing holds it: say so.
process.once('beforeExit', () => {
  process.stdout.write(
    `${JSON.stringify({ error: 'event-loop-empty', message: 'exited while waiting', egress })}\n`,
  );
});
try {
  const askedAt = Date.now();
  const token = await credential.getToken(scope);
  const answeredAt = Date.now();
  const { expiresOnTimestamp } = token;
  process.stdout.write(
    `${JSON.stringify({ token: token.token, expiresOnTimestamp, askedAt, answeredAt, egress })}\n`,
  );
  process.exit(0);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ error: String(error?.name), message: String(error?.message), egress })}\n`,
  );
  process.exit(1);
}
