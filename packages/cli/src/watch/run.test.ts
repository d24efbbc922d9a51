import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { watch, workerName } from './run.ts';

// A scorer whose counter grows by 50 per scrape, and a gradient worker whose grows by 20; the other services are down.
let servers: Server[] = [];
let scorerUrl: string;
let workerUrl: string;

async function serve(metrics: (scrapes: number) => string): Promise<string> {
  let scrapes = 0;
  const server = createServer((_, response) => response.end(metrics(++scrapes)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  scorerUrl = await serve((n) => `sonar_scorer_readings_total{label="R"} ${n * 50}\nsonar_scorer_model_version 3\n`);
  workerUrl = await serve((n) => `sonar_worker_readings_total{kind="sent"} ${n * 20}\nsonar_worker_model_version 2\n`);
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  servers = [];
});

function capture(): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out: out as unknown as NodeJS.WriteStream, text: () => text };
}

const down = 'http://127.0.0.1:9'; // the discard port: nothing listens there

describe('watch', () => {
  it('prints the frames asked for in full, separated by dashes, each after two scrapes', async () => {
    const { out, text } = capture();
    const urls = { ingest: down, trainer: down, scorer: scorerUrl };
    await watch({ urls, workers: [], intervalMs: 100, frames: 2, redraw: false, color: false, out, signal: new AbortController().signal });
    const frames = text().split(/^-+$/m);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatch(/model version 3/);
    expect(frames[1]).toMatch(/^scorer\s+up\s+(\d+)\s+3/m);
    expect(Number(/^scorer\s+up\s+(\d+)/m.exec(frames[1]!)![1])).toBeGreaterThan(0);
    expect(frames[1]).toMatch(/^ingest\s+down/m);
    expect(text()).not.toContain('\x1b');
  });

  it('stops when aborted, and gives the terminal its cursor back', async () => {
    const { out, text } = capture();
    const abort = new AbortController();
    const running = watch({ urls: { ingest: down, trainer: down, scorer: scorerUrl }, workers: [], intervalMs: 100, frames: Number.POSITIVE_INFINITY, redraw: true, color: true, out, signal: abort.signal });
    setTimeout(() => abort.abort(), 350);
    await running;
    expect(text().startsWith('\x1b[?25l')).toBe(true);
    expect(text().endsWith('\x1b[?25h\n')).toBe(true);
    expect(text()).toContain('model version 3');
  });

  it('lists a gradient worker that answers, by its port, and none for a worker port nothing listens on', async () => {
    const { out, text } = capture();
    const workers = [workerUrl, 'http://127.0.0.1:9'];
    await watch({ urls: { ingest: down, trainer: down, scorer: scorerUrl }, workers, intervalMs: 100, frames: 1, redraw: false, color: false, out, signal: new AbortController().signal });
    const port = new URL(workerUrl).port;
    expect(text()).toMatch(new RegExp(`^worker :${port}\\s+up\\s+\\d+\\s+2\\s`, 'm'));
    expect(text()).not.toMatch(/^worker :9\s/m);
    expect(text()).toMatch(/^applier\s+down/m);
  });

  it('names a worker by its port on this machine, by host and port elsewhere', () => {
    expect(workerName('http://127.0.0.1:9103')).toBe('worker :9103');
    expect(workerName('http://localhost:9104/')).toBe('worker :9104');
    expect(workerName('http://10.1.2.3:9103')).toBe('worker 10.1.2.3:9103');
  });
});
