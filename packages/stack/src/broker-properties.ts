import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './paths.ts';
import { mergeProperties } from './properties.ts';

/** Files whose settings replace or extend infra/kafka/server.properties', in order (a cluster node's, the secured broker's). */
export interface PropertiesOverlay {
  template: string;
  heading: string;
}

/**
 * A broker's server.properties: infra/kafka/server.properties with the overlays merged in, the
 * listeners on `host`, and the {{placeholders}} filled in. The local stacks and the compose
 * profile write theirs with it.
 */
export function renderBrokerProperties(host: string, values: Record<string, string>, overlays: PropertiesOverlay[] = []): string {
  const render = (template: string) => fillPlaceholders(readFileSync(template, 'utf8').replaceAll('127.0.0.1', host), values);
  return overlays.reduce(
    (text, { template, heading }) => mergeProperties(text, render(template), `${heading}, from ${relative(repoRoot(), template)}`),
    render(join(repoRoot(), 'infra/kafka/server.properties')),
  );
}

/** A template's {{NAME}}s replaced by their values. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return Object.entries(values).reduce((text, [name, value]) => text.replaceAll(`{{${name}}}`, value), template);
}
