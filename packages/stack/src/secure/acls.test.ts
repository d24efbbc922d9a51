import { describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { topicsFrom } from '@sonar/contracts';
import { PRINCIPALS, type Credentials } from './credentials.ts';
import { serviceAcls } from './kafka-acls.ts';
import { redisAclFile } from './redis-acls.ts';

const { AclOperationTypes: Operation, AclResourceTypes: Resource, ResourcePatternTypes: Pattern } = kafkajs;
const name = (values: object, value: number) => Object.entries(values).find(([, v]) => v === value)?.[0];

describe('serviceAcls', () => {
  const rows = serviceAcls(topicsFrom({})).map(
    (acl) => `${acl.principal} ${name(Operation, acl.operation)} ${name(Resource, acl.resourceType)}:${name(Pattern, acl.resourcePatternType)}:${acl.resourceName}`,
  );
  const writes = (principal: string) => rows.filter((row) => row.startsWith(`User:${principal} WRITE TOPIC`)).map((row) => row.split(':').pop());

  it('lets each service write only its own topics, by exact name', () => {
    expect(writes('ingest')).toEqual(['sonar.readings']);
    expect(writes('trainer')).toEqual(['sonar.models', 'sonar.readings.dlq', 'sonar.gradients']);
    expect(writes('scorer')).toEqual(['sonar.classified', 'sonar.readings.dlq']);
    expect(rows.filter((row) => row.includes('TOPIC:PREFIXED'))).toEqual([]);
  });

  it('gives the trainer and the scorer their own group and transactional-id prefixes, and ingest none', () => {
    expect(rows.filter((row) => /GROUP|TRANSACTIONAL_ID/.test(row))).toEqual([
      'User:trainer READ GROUP:PREFIXED:sonar-trainer-',
      'User:trainer WRITE TRANSACTIONAL_ID:PREFIXED:sonar-trainer-',
      'User:trainer READ GROUP:PREFIXED:sonar-workers-',
      'User:trainer WRITE TRANSACTIONAL_ID:PREFIXED:sonar-workers-',
      'User:trainer READ GROUP:PREFIXED:sonar-applier-',
      'User:trainer WRITE TRANSACTIONAL_ID:PREFIXED:sonar-applier-',
      'User:scorer READ GROUP:PREFIXED:sonar-scorer-',
      'User:scorer WRITE TRANSACTIONAL_ID:PREFIXED:sonar-scorer-',
    ]);
  });
});

describe('redisAclFile', () => {
  const credentials = Object.fromEntries(PRINCIPALS.map((p) => [p, `${p}-secret`])) as Credentials;
  const file = redisAclFile(credentials, 'sonar');

  it('holds no password, only their SHA-256', () => {
    for (const password of Object.values(credentials)) expect(file).not.toContain(password);
    expect(file.match(/ #[0-9a-f]{64} /g)).toHaveLength(3);
  });

  it('turns the default user off and confines the services to the prefix, the scorer read-only', () => {
    const user = (name: string) => file.split('\n').find((line) => line.startsWith(`user ${name} `))!;
    expect(user('default')).toBe('user default off resetkeys resetchannels -@all');
    expect(user('trainer')).toContain(' ~sonar:model:* &sonar:model:*:updated ');
    expect(user('scorer')).toContain(' %R~sonar:model:* &sonar:model:*:updated ');
    expect(user('scorer')).not.toMatch(/\+(hset|set|eval|evalsha|publish|incr)\b/);
  });
});
