import type { Message } from 'kafkajs';

/** Below the broker's default message.max.bytes (1 MiB), which bounds one partition's record batch. */
export const DEFAULT_MAX_REQUEST_BYTES = 768 * 1024;

export interface Chunk {
  messages: Message[];
  bytes: number;
}

/** Splits messages, in order, into pieces of at most maxMessages and about maxBytes each. */
export function chunkMessages(messages: readonly Message[], maxMessages: number, maxBytes = DEFAULT_MAX_REQUEST_BYTES): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && (current.length >= maxMessages || bytes + size > maxBytes)) {
      chunks.push({ messages: current, bytes });
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push({ messages: current, bytes });
  return chunks;
}

/** Roughly what a message adds to a request: value, key, headers and per-record overhead. */
function sizeOf(message: Message): number {
  let size = 32 + byteLength(message.value) + byteLength(message.key);
  if (message.headers) {
    for (const [name, value] of Object.entries(message.headers)) size += name.length + byteLength(value as Buffer | string | null);
  }
  return size;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
