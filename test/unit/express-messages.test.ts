// A server built with expressMessageClasses: the requests and responses Node
// makes already have the app's prototypes when they arrive (so express's
// setPrototypeOf changes nothing), and express's helpers and the app's own
// additions to its request and response still work on them.

import { createServer, IncomingMessage } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import express from 'express';
import t from 'tap';
import { listenHttp } from '../../controlplane/server/http-listener.js';
import { expressMessageClasses } from '../../controlplane/server/express-messages.js';

t.test('requests and responses are born with the app prototypes', async (t) => {
  const app = express();
  Object.defineProperty(app.response, 'servedBy', { value: 'skiff' });
  app.get('/hello', (request, response) => {
    const servedBy = (response as unknown as { servedBy: string }).servedBy;
    response.status(201).json({ agent: request.get('x-agent'), servedBy });
  });
  const classes = expressMessageClasses(app);
  const server = createServer(classes, app);
  const arrivals: { request: boolean; response: boolean }[] = [];
  // Runs before express: what Node built, before express touches it.
  server.prependListener('request', (request: IncomingMessage, response) => {
    arrivals.push({
      request: Object.getPrototypeOf(request) === app.request,
      response: Object.getPrototypeOf(response) === app.response,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hello`;

  for (let i = 0; i < 2; i++) {
    const response = await fetch(url, { headers: { 'x-agent': 'tap' } });
    t.equal(response.status, 201);
    t.same(await response.json(), { agent: 'tap', servedBy: 'skiff' });
  }
  t.same(arrivals, [
    { request: true, response: true },
    { request: true, response: true },
  ]);
  t.ok(new classes.IncomingMessage(new Socket()) instanceof IncomingMessage, 'an IncomingMessage');
});

t.test('listenHttp serves with the classes it is given', async (t) => {
  const app = express();
  app.get('/', (request, response) => {
    response.json({ born: Object.getPrototypeOf(request) === app.request });
  });
  let prototypeAtArrival: unknown;
  const classes = expressMessageClasses(app);
  const listener = await listenHttp(
    (request, response) => {
      prototypeAtArrival = Object.getPrototypeOf(request);
      app(request, response);
    },
    { port: 0, messageClasses: classes, graceMs: 100 },
  );
  t.teardown(() => listener.close());
  const response = await fetch(listener.url);
  t.same(await response.json(), { born: true });
  t.equal(prototypeAtArrival, app.request);
});
