import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsUrl, scrape } from './scrape.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/metrics') return void response.end('# TYPE x counter\nx_total{service="t"} 3\n');
    if (request.url === '/slow') return; // never answers
    response.statusCode = 503;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('metricsUrl', () => {
  it('means /metrics for a base URL, and keeps a URL with a path', () => {
    expect(metricsUrl('http://127.0.0.1:9101')).toBe('http://127.0.0.1:9101/metrics');
    expect(metricsUrl('http://127.0.0.1:9101/')).toBe('http://127.0.0.1:9101/metrics');
    expect(metricsUrl('http://host/scorer/metrics')).toBe('http://host/scorer/metrics');
  });
});

describe('scrape', () => {
  it('parses the samples of a service that answers', async () => {
    expect(await scrape(`${base}/metrics`, 1000)).toEqual({ up: true, samples: [{ name: 'x_total', labels: { service: 't' }, value: 3 }] });
  });

  it('reports an error status, a service that does not answer in time and one that is not there, without throwing', async () => {
    expect(await scrape(`${base}/other`, 1000)).toEqual({ up: false, error: 'HTTP 503' });
    expect(await scrape(`${base}/slow`, 100)).toEqual({ up: false, error: 'no answer in 100 ms' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await scrape(`http://127.0.0.1:${port}/metrics`, 1000)).toEqual({ up: false, error: 'connection refused' });
  });
});
