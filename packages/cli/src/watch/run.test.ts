import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { watch } from './run.ts';

// A scorer whose counter grows by 50 per scrape; the other services are down.
let server: Server;
let scorerUrl: string;
let scrapes = 0;

beforeAll(async () => {
  server = createServer((_, response) => {
    scrapes += 1;
    response.end(`sonar_scorer_readings_total{label="R"} ${scrapes * 50}\nsonar_scorer_model_version 3\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  scorerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
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
    await watch({ urls, intervalMs: 100, frames: 2, redraw: false, color: false, out, signal: new AbortController().signal });
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
    const running = watch({ urls: { ingest: down, trainer: down, scorer: scorerUrl }, intervalMs: 100, frames: Number.POSITIVE_INFINITY, redraw: true, color: true, out, signal: abort.signal });
    setTimeout(() => abort.abort(), 350);
    await running;
    expect(text().startsWith('\x1b[?25l')).toBe(true);
    expect(text().endsWith('\x1b[?25h\n')).toBe(true);
    expect(text()).toContain('model version 3');
  });
});
