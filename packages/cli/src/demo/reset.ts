import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckpointStore } from '@sonar/store';
import type { DemoNamespace } from './namespace.ts';

/** Deletes what an earlier demo left: its topics, consumer groups and model keys. */
export async function resetNamespace(admin: Admin, store: CheckpointStore, ns: DemoNamespace, groups: string[]): Promise<void> {
  const mine = new Set(Object.values(ns.topics));
  const existing = (await admin.listTopics()).filter((topic) => mine.has(topic));
  if (existing.length > 0) {
    await admin.deleteTopics({ topics: existing });
    // Deletion is asynchronous: wait until the names are free to be created again.
    for (let i = 0; i < 100 && (await admin.listTopics()).some((topic) => mine.has(topic)); i++) await sleep(100);
  }
  await admin.deleteGroups(groups).catch(() => undefined);
  await store.destroy();
}
