const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a string field keeps a leading U+FEFF

/**
 * A string from bytes [start, end). Short ASCII runs (ids, numbers) are built
 * character by character: for a few dozen bytes that beats a TextDecoder call.
 * Undefined when the bytes are not UTF-8.
 */
export function textOfBytes(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end - start <= 128) {
    let text = '';
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return utf8Text(bytes, start, end);
      text += String.fromCharCode(byte);
    }
    return text;
  }
  return utf8Text(bytes, start, end);
}

function utf8Text(bytes: Uint8Array, start: number, end: number): string | undefined {
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
}
