// A tiny static server for the sample SPA, with no dependencies:
//   node serve.mjs [--port 8080]
// Serves this folder (node_modules included) on http://localhost:<port>. A path without a
// file extension that is not a file (such as /login/callback or /profile) gets index.html,
// so the app's routes survive a reload; a missing file with an extension is a plain 404.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const portArg = args.find((a) => a.startsWith('--port='))?.slice('--port='.length)
  ?? (args.includes('--port') ? args[args.indexOf('--port') + 1] : undefined);
const port = Number(portArg ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve.mjs: bad port '${portArg}'; use --port 8080`);
  process.exit(2);
}

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

async function fileAt(urlPath) {
  const full = path.join(root, path.normalize(decodeURIComponent(urlPath)));
  if (full !== root && !full.startsWith(root + path.sep)) return null; // never outside this folder
  try {
    const s = await stat(full);
    if (s.isFile()) return full;
    if (s.isDirectory()) {
      const index = path.join(full, 'index.html');
      if ((await stat(index).catch(() => null))?.isFile()) return index;
    }
  } catch { /* not there */ }
  return null;
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let urlPath;
  try {
    urlPath = new URL(req.url, 'http://localhost').pathname;
    decodeURIComponent(urlPath);
  } catch {
    res.writeHead(400).end('Bad request\n');
    return;
  }
  let file = await fileAt(urlPath);
  if (!file && path.extname(urlPath) === '') file = path.join(root, 'index.html'); // history fallback
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found: ${urlPath}\n`);
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function listen(host) {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => handle(req, res).catch((e) => {
      console.error(e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }));
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

// localhost may resolve to 127.0.0.1 or ::1: listen on both loopback addresses, nothing else.
const v4 = await listen('127.0.0.1');
const actual = v4.address().port;
try {
  await new Promise((resolve, reject) => {
    const s6 = http.createServer((req, res) => handle(req, res).catch(() => res.end()));
    s6.once('error', reject);
    s6.listen(actual, '::1', resolve);
  });
} catch { /* no IPv6 loopback here: 127.0.0.1 is enough */ }
console.log(`Sample SPA on http://localhost:${actual}  (Ctrl+C to stop)`);
