/**
 * String literals: their bytes (escapes decoded, characters as UTF-8), and names, which must be
 * valid UTF-8. The lexer has already checked every escape, so decoding cannot fail here.
 */

interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
type Utf8DecoderCtor = new (label: string, opts: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
const utf8 = new (globalThis as unknown as { TextDecoder: Utf8DecoderCtor }).TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 bytes, or returns undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Appends the UTF-8 encoding of code point `cp` to `out`. */
function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

function hexDigit(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/**
 * The bytes of the string literal at `text[start, end)` (quotes included). Characters are
 * UTF-8; a lone surrogate (only possible in text handed over as a JS string) gets WTF-8 bytes.
 */
export function stringBytes(text: string, start: number, end: number): Uint8Array {
  const out: number[] = [];
  for (let i = start + 1; i < end - 1; ) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      if (c < 0x80) {
        out.push(c);
        i++;
      } else {
        // A lone surrogate gets its WTF-8 bytes, which no name accepts as UTF-8.
        const cp = text.codePointAt(i)!;
        pushUtf8(out, cp);
        i += cp > 0xffff ? 2 : 1;
      }
      continue;
    }
    const d = text.charCodeAt(i + 1);
    switch (d) {
      case 0x74:
        out.push(9);
        i += 2;
        break;
      case 0x6e:
        out.push(10);
        i += 2;
        break;
      case 0x72:
        out.push(13);
        i += 2;
        break;
      case 0x22:
      case 0x27:
      case 0x5c:
        out.push(d);
        i += 2;
        break;
      case 0x75: {
        const close = text.indexOf('}', i);
        pushUtf8(out, parseInt(text.slice(i + 3, close).replace(/_/g, ''), 16));
        i = close + 1;
        break;
      }
      default:
        out.push(hexDigit(d) * 16 + hexDigit(text.charCodeAt(i + 2)));
        i += 3;
    }
  }
  return Uint8Array.from(out);
}
