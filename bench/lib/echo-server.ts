// The API bench's baseline: an express app over HTTPS that parses a JSON body
// and answers 201 with it, and nothing else (no validation, no store). Run as
// a process of its own, like the API server it stands beside; prints its URL.
//
//   node echo-server.js CERT_FILE KEY_FILE

import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressMessageClasses } from '../../controlplane/server/express-messages.js';

const [certificateFile = '', keyFile = ''] = process.argv.slice(2);
const app = express();
app.use(express.json({ limit: '3mb' }));
app.post(/.*/, (request, response) => {
  response.status(201).json(request.body);
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
