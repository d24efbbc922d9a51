import { describe, expect, it } from 'vitest';
import { logLevel, type LogEntry } from 'kafkajs';
import { CoordinatorRefusals } from './coordinator-refusals.ts';

const entry = (message: string, extra: object): LogEntry => ({
  namespace: 'Cluster',
  level: logLevel.DEBUG,
  label: 'DEBUG',
  log: { timestamp: '2026-01-01T00:00:00.000Z', message, ...extra },
});

describe('CoordinatorRefusals', () => {
  it('keeps the refusal kafkajs only logs, with the group or transactional id', () => {
    const refusals = new CoordinatorRefusals();
    refusals.notice(entry('Tried to find group coordinator', { nodeId: 1, groupId: 'sonar-scorer-m', error: { type: 'GROUP_AUTHORIZATION_FAILED' } }));
    expect(refusals.last).toEqual({ type: 'GROUP_AUTHORIZATION_FAILED', id: 'sonar-scorer-m' });
    refusals.notice(entry('Tried to find group coordinator', { groupId: 'sonar-trainer-m-0', error: { type: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' } }));
    expect(refusals.last).toEqual({ type: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', id: 'sonar-trainer-m-0' });
  });

  it('ignores a coordinator that is only not there yet, and everything else', () => {
    const refusals = new CoordinatorRefusals();
    refusals.notice(entry('Tried to find group coordinator', { groupId: 'g', error: { type: 'GROUP_COORDINATOR_NOT_AVAILABLE' } }));
    refusals.notice(entry('Found group coordinator', { groupId: 'g' }));
    expect(refusals.last).toBeUndefined();
  });
});
