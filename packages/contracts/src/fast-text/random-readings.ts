import { shuffleInPlace, type Rng } from '@sonar/model';

/**
 * Random reading texts for the differential tests of the fast paths: mostly
 * readings as producers write them (the fast paths must decode these themselves),
 * with every variation the exact path accepts or refuses mixed in. Test input only.
 */
export function randomJsonReading(rng: Rng): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  const chance = (p: number) => rng() < p;
  // Most readings are written as producers write them; the rest anyhow.
  const wild = chance(0.4);
  const common = (p: number) => !wild || chance(p);
  const space = () => (chance(0.8) ? '' : common(0.97) ? pick([' ', '\n', '\t', '\r', '  ', ' \r\n ']) : pick(['\v', '\f', '\u00a0', '\ufeff']));
  const number = () => (wild ? randomNumber(rng) : chance(0.7) ? (Math.round(rng() * 1e4) / 1e4).toFixed(4) : String(randomDouble(rng)));

  const fields: string[] = [];
  const field = (name: string, value: string) => fields.push(`${space()}${JSON.stringify(name)}${space()}:${space()}${value}${space()}`);
  const count = common(0.9) ? 60 : pick([0, 1, 59, 61, 120]);
  if (common(0.97)) field('features', `[${Array.from({ length: count }, () => `${space()}${number()}${space()}`).join(',')}]`);
  else field('features', pick(['null', '"0.5"', '{}', '[]', `[${'0.5,'.repeat(59)}"0.5"]`, `[${'0.5,'.repeat(59)}null]`, `[${'0.5,'.repeat(59)}[0.5]]`]));
  if (chance(0.6)) field('id', common(0.8) ? JSON.stringify(randomText(rng, 1 + Math.floor(rng() * 20), wild)) : pick(['null', '""', '17', JSON.stringify('x'.repeat(129)), JSON.stringify('x'.repeat(128)), '"\\u0041"', '"a\\"b"']));
  if (chance(0.6)) field('label', common(0.85) ? pick(['"R"', '"M"', 'null']) : pick(['"X"', '"r"', '1', '"RM"', '""', '"\\u0052"']));
  if (chance(0.4)) field('holdout', common(0.85) ? pick(['true', 'false', 'null']) : pick(['"yes"', '0', '1', 'tru']));
  if (chance(0.6)) field('ts', common(0.85) ? String(Math.floor(rng() * 2e12)) : pick(['null', '0', '-0', '-1', '-0.0', '1e400', '1.5', '"2026"', '1795000000000.25', '9007199254740993']));
  for (let extra = Math.floor(rng() * 3); extra > 0; extra--) field(pick(['sensor', 'features2', 'Features', 'i', 'idx', 'ts ', 'meta']), randomValue(rng, 0));
  if (wild && chance(0.05)) fields.push(fields[Math.floor(rng() * fields.length)]!); // a field given twice
  shuffleInPlace(fields, rng);
  const text = `${space()}{${fields.join(',')}}${space()}`;
  return wild && chance(0.3) ? mutate(rng, text) : text;
}

/** One line of the UCI file's shape, or something near it. */
export function randomCsvReading(rng: Rng): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  const chance = (p: number) => rng() < p;
  const wild = chance(0.4);
  const common = (p: number) => !wild || chance(p);
  const count = common(0.9) ? 60 : pick([0, 1, 59, 61, 62]);
  // Number() reads more than JSON does: leading zeros, hex, Infinity, spaces, the empty string.
  const odd = ['', ' ', '007', '.5', '5.', '+1', '0x1F', '0b11', 'Infinity', '-Infinity', 'NaN', '1_0', ' 0.5', '0.5 ', '\t0.5', '\v0.5', '1e400', 'abc', '-'];
  const number = () => (common(0.95) ? (wild ? randomNumber(rng) : (Math.round(rng() * 1e4) / 1e4).toFixed(4)) : pick(odd));
  const label = common(0.9) ? pick(['', ',R', ',M']) : pick([',X', ', R ', ',r', ',R,', ',', ',0.5', ',RM', ',\tM', ',M\v']);
  const end = common(0.9) ? pick(['', '\n', '\r\n', '  ']) : pick(['\v', '\u00a0\n', '\ufeff', ',']);
  const start = common(0.95) ? pick(['', '', ' ']) : pick(['\ufeff', '\t', '\v', '{']);
  const text = `${start}${Array.from({ length: count }, number).join(',')}${label}${end}`;
  return wild && chance(0.3) ? mutate(rng, text) : text;
}

/** Numbers as they come: the data set's 4 decimals, JavaScript's shortest round-trip form, and the odd forms of the JSON grammar. */
export function randomNumber(rng: Rng): string {
  const r = rng();
  if (r < 0.45) return (Math.round(rng() * 1e4) / 1e4).toFixed(4);
  if (r < 0.65) return String(randomDouble(rng));
  if (r < 0.75) return `${rng() < 0.5 ? '-' : ''}${randomDigits(rng, 1 + Math.floor(rng() * 25))}e${Math.floor(rng() * 700) - 350}`;
  if (r < 0.85) return `${randomDigits(rng, 1 + Math.floor(rng() * 20))}.${randomDigits(rng, 1 + Math.floor(rng() * 20))}`.replace(/^0+(?=\d)/, '');
  const odd = ['-0', '0', '-0.0', '0e0', '0.0000', '1E5', '1e+5', '1.5e-7', '5e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '1.7976931348623157e308', '1.7976931348623159e308', '1e309', '-1e-400', '123456789012345', '1234567890123456', '9007199254740993', '0.1', '1e22', '1e23', '3e-22', '4.35e-23', '0.30000000000000004'];
  return odd[Math.floor(rng() * odd.length)]!;
}

function randomDouble(rng: Rng): number {
  const words = new Uint32Array([Math.floor(rng() * 2 ** 32), Math.floor(rng() * 2 ** 32)]);
  const x = new Float64Array(words.buffer)[0]!;
  return Number.isFinite(x) ? x : rng();
}

function randomDigits(rng: Rng, n: number): string {
  let digits = '';
  for (let i = 0; i < n; i++) digits += String(Math.floor(rng() * 10));
  return digits;
}

function randomText(rng: Rng, n: number, odd = true): string {
  const alphabet = 'abcxyz-_0123456789 ./:R';
  const rare = ['é', '🐟', '"', '\\', '\n', '\u0001', '\u2028'];
  let text = '';
  for (let i = 0; i < n; i++) text += odd && rng() < 0.03 ? rare[Math.floor(rng() * rare.length)]! : alphabet[Math.floor(rng() * alphabet.length)]!;
  return text;
}

/** Any JSON value, of every type, nested a little. */
function randomValue(rng: Rng, depth: number): string {
  const r = rng() * (depth > 3 ? 0.6 : 1);
  if (r < 0.15) return randomNumber(rng);
  if (r < 0.3) return JSON.stringify(randomText(rng, Math.floor(rng() * 12)));
  if (r < 0.4) return ['true', 'false', 'null'][Math.floor(rng() * 3)]!;
  if (r < 0.6) return `[${Array.from({ length: Math.floor(rng() * 4) }, () => ` ${randomValue(rng, depth + 1)}`).join(',')}]`;
  if (r < 0.97) return `{${Array.from({ length: Math.floor(rng() * 4) }, (_, i) => `"k${i}": ${randomValue(rng, depth + 1)}`).join(',')}}`;
  return `${'['.repeat(40)}1${']'.repeat(40)}`; // deeper than the fast path goes
}

function mutate(rng: Rng, text: string): string {
  const at = Math.floor(rng() * (text.length + 1));
  const noise = '{}[],:"\\ 0123456789eE+-.aRnul\u00e9';
  const char = noise[Math.floor(rng() * noise.length)]!;
  const r = rng();
  if (r < 0.3) return text.slice(0, at);
  if (r < 0.55) return text.slice(0, at) + text.slice(at + 1);
  if (r < 0.8) return text.slice(0, at) + char + text.slice(at);
  return text.slice(0, at) + char + text.slice(at + 1);
}
