import { Agent as HttpsAgent } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

/** The error code of a server certificate that is not the pinned one; a retry cannot cure it. */
export const CERTIFICATE_PIN_CODE = 'ECERTPIN';

/**
 * An agent that accepts only the server certificate with the given thumbprint (Service Fabric's
 * self-signed endpoint), checked before a byte of the request, and its secret, is sent.
 */
export function pinnedAgent(thumbprint: string): HttpsAgent {
  const expected = thumbprint.replace(/:/g, '').toUpperCase();
  const agent = new HttpsAgent({ keepAlive: false });
  agent.createConnection = ((
    options: ConnectionOptions,
    done: (error: Error | null, socket?: TLSSocket) => void,
  ) => {
    const socket = tlsConnect({ ...options, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const actual = [cert.fingerprint, cert.fingerprint256].map((f) =>
        f?.replace(/:/g, '').toUpperCase(),
      );
      if (actual.includes(expected)) done(null, socket);
      else {
        socket.destroy();
        done(
          Object.assign(
            new Error('the server certificate does not match IDENTITY_SERVER_THUMBPRINT'),
            { code: CERTIFICATE_PIN_CODE },
          ),
        );
      }
    });
    socket.once('error', (error) => done(error));
    return undefined;
  }) as unknown as HttpsAgent['createConnection'];
  return agent;
}
