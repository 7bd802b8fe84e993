import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { moduleFile } from './moduleFile.js';

/** One file the dashboard serves, read once at start. */
export interface StaticAsset {
  body: Buffer;
  contentType: string;
}

/** The page's files by URL path: ours from `assets/`, uPlot's from its package. */
const OWN_ASSETS: Readonly<Record<string, [file: string, contentType: string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/assets/dashboard.js': ['dashboard.js', 'text/javascript; charset=utf-8'],
  '/assets/render.js': ['render.js', 'text/javascript; charset=utf-8'],
  '/assets/timeline.js': ['timeline.js', 'text/javascript; charset=utf-8'],
  '/assets/dashboard.css': ['dashboard.css', 'text/css; charset=utf-8'],
};
const UPLOT_ASSETS: Readonly<Record<string, [module: string, contentType: string]>> = {
  '/assets/uPlot.iife.min.js': ['uplot/dist/uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
  '/assets/uPlot.min.css': ['uplot/dist/uPlot.min.css', 'text/css; charset=utf-8'],
};

/**
 * Only the page's own files, no inline script or style, no frames, and connections back to this
 * origin only (the `/events` stream).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Reads every file of the page: from `assets/` beside this module (the build copies it into
 * `dist/`), and uPlot's from wherever Node resolves the `uplot` package for this module.
 */
export function loadStaticAssets(): Map<string, StaticAsset> {
  const here = moduleFile();
  const folder = join(dirname(here), 'assets');
  const resolve = createRequire(here).resolve;
  const assets = new Map<string, StaticAsset>();
  const read = (path: string, file: string, contentType: string) => {
    try {
      assets.set(path, { body: readFileSync(file), contentType });
    } catch (cause) {
      throw new InvalidArgumentError(
        `The dashboard's file ${file} cannot be read: is the package built (scripts/build.mjs copies src/**/assets) and installed with its dependencies?`,
        { cause },
      );
    }
  };
  for (const [path, [file, type]] of Object.entries(OWN_ASSETS))
    read(path, join(folder, file), type);
  for (const [path, [module, type]] of Object.entries(UPLOT_ASSETS)) {
    let file: string;
    try {
      file = resolve(module);
    } catch (cause) {
      throw new InvalidArgumentError(
        `The dashboard needs the uplot package (${module}), which is not installed.`,
        { cause },
      );
    }
    read(path, file, type);
  }
  return assets;
}

/** Sends one asset with the page's security headers; `HEAD` gets the headers only. */
export function sendAsset(response: ServerResponse, asset: StaticAsset, head: boolean): void {
  response.writeHead(200, {
    'Content-Type': asset.contentType,
    'Content-Length': asset.body.length,
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  response.end(head ? undefined : asset.body);
}
