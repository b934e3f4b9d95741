import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { HttpsMode } from '../config.ts';

const DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Ant Design and the API reference (/docs) style elements inline
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/**
 * Over plain HTTP (a trial by IP, the compose stack on :8080) `upgrade-insecure-requests` would send every
 * asset to an https:// nothing answers and leave the page blank. HSTS, Cross-Origin-Opener-Policy and
 * Origin-Agent-Cluster do nothing there but make the browser log that it ignored them.
 */
function helmetOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: { directives: https ? DIRECTIVES : { ...DIRECTIVES, upgradeInsecureRequests: null } },
    crossOriginEmbedderPolicy: false,
    ...(https ? {} : { strictTransportSecurity: false, crossOriginOpenerPolicy: false, originAgentCluster: false }),
  };
}

/** The headers helmet would set: they depend on nothing in the request but its protocol. */
function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.freeze(headers);
}

/**
 * Picks each request's security headers from two sets computed once here (helmet, through
 * @fastify/helmet, parsed its CSP directives again on every request). `auto` decides by the request's
 * protocol, which Fastify takes from `X-Forwarded-Proto` only when TRUST_PROXY trusts the sender.
 */
export function securityHeaders(mode: HttpsMode): (req: FastifyRequest) => Readonly<Record<string, string>> {
  const secure = helmetHeaders(helmetOptions(true));
  const plain = helmetHeaders(helmetOptions(false));
  if (mode === 'on') return () => secure;
  if (mode === 'off') return () => plain;
  return (req) => (req.protocol === 'https' ? secure : plain);
}
