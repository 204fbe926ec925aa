// The API bench's baselines: an express app over HTTPS that parses a JSON body
// and answers 201 with it, and nothing else (no validation, no store). Given
// an LMDB directory it is the durable echo: before answering, it writes the
// body as a record and a log entry in one LMDB transaction and waits for its
// fsync'd commit, as Skiff's store does for a create — the least a durable
// create costs on this stack (Node, express, HTTPS, JSON, LMDB). Run as a
// process of its own, like the API server it stands beside; prints its URL.
//
//   node echo-server.js CERT_FILE KEY_FILE [LMDB_DIR]

import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { open } from 'lmdb';
import { expressMessageClasses } from '../../controlplane/server/express-messages.js';

const [certificateFile = '', keyFile = '', lmdbDir] = process.argv.slice(2);

/** Writes one POSTed body durably; resolves once its commit is on disk. */
type DurableWrite = (path: string, body: unknown) => Promise<unknown>;

function durableWriter(directory: string): DurableWrite {
  // Skiff's store's settings: every commit fsync'd before its writes resolve.
  const env = open<unknown, string>({ path: directory, maxDbs: 4, overlappingSync: false });
  const records = env.openDB<unknown, string>({ name: 'data' });
  const log = env.openDB<unknown, [number, string]>({ name: 'log', keyEncoding: 'ordered-binary' });
  let revision = 0;
  return (path, body) => {
    const name = (body as { metadata?: { name?: unknown } }).metadata?.name;
    const key = `${path}/${String(name)}`;
    revision += 1;
    void records.put(key, body);
    return log.put([revision, key], { type: 'ADDED', object: body });
  };
}

const write = lmdbDir === undefined ? undefined : durableWriter(lmdbDir);
const app = express();
app.use(express.json({ limit: '3mb' }));
app.post(/.*/, (request, response, next) => {
  if (write === undefined) {
    response.status(201).json(request.body);
    return;
  }
  write(request.path, request.body).then(() => response.status(201).json(request.body), next);
});
const server = createServer(
  {
    cert: readFileSync(certificateFile),
    key: readFileSync(keyFile),
    keepAliveTimeout: 5_000,
    // As the API server is served, so that the two compare.
    ...expressMessageClasses(app),
  },
  app,
);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`https://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
