#!/usr/bin/env node
// A tiny zero-dependency static file server for the repo root (the demo is
// index.html + www/ + pkg/). `node scripts/serve.mjs` serves on PORT (8080).
// Tests import startServer() and run it on port 0 (a random free port).
import http from "node:http";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const MIME_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

export function mimeType(filePath) {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Start the server.
 * @param {object} [options]
 * @param {string} [options.root]  directory to serve (default: the repo root)
 * @param {number} [options.port]  0 picks a free port (default: PORT env or 8080)
 * @param {string} [options.host]  address to listen on (default: 127.0.0.1)
 * @param {(urlPath: string) => Record<string, string> | undefined | null} [options.headers]
 *        extra response headers for a request path, e.g. a Content-Security-Policy
 *        on chosen pages; a plain object applies to every response
 * @returns {Promise<{ url: string, port: number, server: http.Server, close: () => Promise<void> }>}
 *          url ends with "/", e.g. "http://127.0.0.1:40123/"
 */
export async function startServer({ root = REPO_ROOT, port, host = "127.0.0.1", headers } = {}) {
  if (port === undefined) port = process.env.PORT ? Number(process.env.PORT) : 8080;
  const rootDir = await fsp.realpath(path.resolve(root));
  const extraHeaders = (urlPath) => {
    const h = typeof headers === "function" ? headers(urlPath) : headers;
    return h && typeof h === "object" ? h : {};
  };

  const server = http.createServer((req, res) => {
    handle(req, res, rootDir, extraHeaders).catch((err) => {
      if (!res.headersSent) send(res, 500, "500 Internal Server Error\n", {});
      else res.destroy();
      console.error("serve:", err);
    });
  });
  // Let close() finish promptly even if a browser keeps connections alive.
  const sockets = new Set();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}/`,
    port: actualPort,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function send(res, status, body, headers, method = "GET") {
  const buf = Buffer.from(body);
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": buf.length,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(method === "HEAD" ? undefined : buf);
}

async function handle(req, res, rootDir, extraHeaders) {
  const rawPath = (req.url ?? "/").split("?")[0].split("#")[0];
  let urlPath;
  try {
    urlPath = decodeURIComponent(rawPath);
  } catch {
    return send(res, 400, "400 Bad Request\n", {}, req.method);
  }
  const extra = extraHeaders(urlPath);
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(res, 405, "405 Method Not Allowed\n", { ...extra, Allow: "GET, HEAD" }, req.method);
  }
  const notFound = () => send(res, 404, `404 Not Found: ${urlPath}\n`, extra, req.method);
  const forbidden = () => send(res, 403, "403 Forbidden\n", extra, req.method);

  if (!urlPath.startsWith("/") || urlPath.includes("\0") || urlPath.includes("\\")) return forbidden();
  const segments = urlPath.split("/");
  // No escaping the root, and no dotfiles/dot-directories (.git, .env, ...).
  if (segments.some((s) => s === "..")) return forbidden();
  if (segments.some((s) => s.startsWith(".") && s !== "")) return notFound();

  let filePath = path.resolve(rootDir, "." + urlPath);
  if (filePath !== rootDir && !filePath.startsWith(rootDir + path.sep)) return forbidden();

  let stat;
  try {
    filePath = await fsp.realpath(filePath);
    // A symlink must not lead outside the root either.
    if (filePath !== rootDir && !filePath.startsWith(rootDir + path.sep)) return forbidden();
    stat = await fsp.stat(filePath);
  } catch {
    return notFound();
  }

  if (stat.isDirectory()) {
    if (!urlPath.endsWith("/")) {
      // Relative URLs in the directory's index.html need the trailing slash.
      const query = (req.url ?? "").slice(rawPath.length);
      return send(res, 301, "301 Moved Permanently\n", { ...extra, Location: rawPath + "/" + query }, req.method);
    }
    filePath = path.join(filePath, "index.html");
    try {
      stat = await fsp.stat(filePath);
    } catch {
      return notFound();
    }
  }
  if (!stat.isFile()) return notFound();

  res.writeHead(200, {
    "Content-Type": mimeType(filePath),
    "Content-Length": stat.size,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...extra,
  });
  if (req.method === "HEAD") return res.end();
  await new Promise((resolve, reject) => {
    const stream = fs.createReadStream(filePath);
    stream.on("error", reject);
    res.on("close", resolve);
    stream.pipe(res);
  });
}

// Run as a program: serve the repo root until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  const { close } = await startServer({ port, host: process.env.HOST ?? "127.0.0.1" }).catch((err) => {
    console.error(`serve: cannot listen on port ${port}: ${err.message}`);
    process.exit(1);
  });
  console.log(`Serving ${REPO_ROOT} at http://localhost:${port}/ (Ctrl-C to stop)`);
  const stop = () => close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
