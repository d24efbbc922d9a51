import { describe, expect, it } from 'vitest';
import { mergeProperties, parseProperties } from './properties.ts';

describe('mergeProperties', () => {
  const base = ['# comment', 'listeners=PLAINTEXT://127.0.0.1:9092', 'num.partitions=3', ''].join('\n');

  it('replaces a setting in place, appends the new ones under a heading, and keeps the rest', () => {
    const merged = mergeProperties(base, ['# why', 'listeners=SASL_SSL://127.0.0.1:9094', 'super.users=User:admin'].join('\n'), 'Security');
    expect(merged).toBe(['# comment', 'listeners=SASL_SSL://127.0.0.1:9094', 'num.partitions=3', '', '# Security', 'super.users=User:admin', ''].join('\n'));
  });

  it('leaves every key once, values with = and quotes intact', () => {
    const jaas = 'x.sasl.jaas.config=Module required username="broker" password="a=b";';
    const merged = parseProperties(mergeProperties(base, `num.partitions=1\n${jaas}`, 'Security'));
    expect([...merged.keys()]).toEqual(['listeners', 'num.partitions', 'x.sasl.jaas.config']);
    expect(merged.get('num.partitions')).toBe('1');
    expect(merged.get('x.sasl.jaas.config')).toBe(jaas.slice(jaas.indexOf('=') + 1));
  });
});
