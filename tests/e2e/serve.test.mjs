// Tests of scripts/serve.mjs (no browser): MIME types, caching, traversal,
// index.html handling and per-path extra headers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { startServer } from "../../scripts/serve.mjs";

let root;
let server;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "serve-test-"));
  const files = {
    "index.html": "<!doctype html><title>root</title>",
    "a.js": "export {};",
    "a.mjs": "export {};",
    "a.css": "body{}",
    "a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "a.json": "{}",
    "a.wasm": "\0asm\x01\0\0\0",
    "a.png": "png",
    "favicon.ico": "ico",
    "sub/index.html": "<!doctype html><title>sub</title>",
    "empty/.keep": "",
    ".secret": "no",
  };
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), body);
  }
  fs.writeFileSync(path.join(path.dirname(root), `outside-${path.basename(root)}.txt`), "outside");
  fs.symlinkSync(path.dirname(root), path.join(root, "escape"));
  server = await startServer({
    root,
    port: 0,
    headers: (p) => (p.startsWith("/sub/") ? { "Content-Security-Policy": "default-src 'self'" } : {}),
  });
});

after(async () => {
  await server?.close();
  fs.rmSync(path.join(path.dirname(root), `outside-${path.basename(root)}.txt`), { force: true });
  fs.rmSync(root, { recursive: true, force: true });
});

// fetch() normalises "..", so traversal attempts go over a raw socket.
function rawGet(target) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, "127.0.0.1", () => {
      sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let data = "";
    sock.on("data", (d) => (data += d));
    sock.on("end", () => resolve(Number(data.split(" ")[1])));
    sock.on("error", reject);
  });
}

test("url is http://127.0.0.1:<random port>/", () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.notEqual(server.port, 8080);
});

test("MIME types and no-store", async () => {
  const expected = {
    "a.js": "text/javascript",
    "a.mjs": "text/javascript",
    "a.css": "text/css",
    "a.svg": "image/svg+xml",
    "a.json": "application/json",
    "a.wasm": "application/wasm",
    "a.png": "image/png",
    "favicon.ico": "image/x-icon",
    "index.html": "text/html",
  };
  for (const [name, type] of Object.entries(expected)) {
    const res = await fetch(server.url + name);
    assert.equal(res.status, 200, name);
    assert.equal(res.headers.get("content-type").split(";")[0], type, name);
    assert.equal(res.headers.get("cache-control"), "no-store", name);
    await res.arrayBuffer();
  }
});

test("/ and directories serve index.html", async () => {
  assert.match(await (await fetch(server.url)).text(), /<title>root/);
  assert.match(await (await fetch(server.url + "sub/")).text(), /<title>sub/);
  const redirect = await fetch(server.url + "sub", { redirect: "manual" });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get("location"), "/sub/");
  assert.equal((await fetch(server.url + "empty/")).status, 404);
});

test("missing files, dotfiles, traversal and symlink escapes are refused", async () => {
  assert.equal((await fetch(server.url + "nope.js")).status, 404);
  assert.equal((await fetch(server.url + ".secret")).status, 404);
  const outside = `outside-${path.basename(root)}.txt`;
  for (const target of [`/../${outside}`, `/sub/../../${outside}`, `/%2e%2e/${outside}`, `/..%2f${outside}`, `/..%5c${outside}`]) {
    assert.ok([403, 404].includes(await rawGet(target)), target);
  }
  assert.equal(await rawGet(`/escape/${outside}`), 403);
  assert.equal((await fetch(server.url + "%E0%A4%A")).status, 400);
  assert.equal((await fetch(server.url + "a.js", { method: "POST" })).status, 405);
});

test("headers(urlPath) adds extra response headers on chosen paths", async () => {
  const sub = await fetch(server.url + "sub/");
  assert.equal(sub.headers.get("content-security-policy"), "default-src 'self'");
  const top = await fetch(server.url);
  assert.equal(top.headers.get("content-security-policy"), null);
});
