import kafkajs, { type AclEntry, type AclOperationTypes, type AclResourceTypes, type Admin, type ResourcePatternTypes } from 'kafkajs';
import { consumerGroups, type Topics } from '@sonar/contracts';
import { ensureTopics } from '@sonar/kafka';
import type { Principal } from './credentials.ts';

// kafkajs' enums are not named exports of its CommonJS module under Node's ESM loader.
const { AclOperationTypes: Operation, AclPermissionTypes: Permission, AclResourceTypes: Resource, ResourcePatternTypes: Pattern } = kafkajs;

/** The trainer's gradients topic: granted already, though nothing writes it yet. */
export const DEFAULT_GRADIENTS_TOPIC = 'sonar.gradients';

/** The topics one deployment's ACLs name: the stack's own, or a test's. */
export interface AclScope {
  topics: Topics;
  gradients: string;
}

type Service = Exclude<Principal, 'admin' | 'broker'>;

/**
 * What each service principal may do. Topics are LITERAL: a PREFIXED grant on
 * "sonar.readings" would also cover "sonar.readings.dlq". Consumer groups and transactional
 * ids are PREFIXED: a service's are named "sonar-<service>-<model>...", for any model.
 * READ and WRITE imply DESCRIBE; a topic WRITE implies IDEMPOTENT_WRITE (Kafka 2.8+).
 */
export function serviceAcls(scope: AclScope): AclEntry[] {
  const { readings, classified, deadLetters, models } = scope.topics;
  const every: Service[] = ['ingest', 'trainer', 'scorer'];
  return [
    // Each service checks at start that the deployment's topics exist (ensureTopics).
    ...every.flatMap((service) => [readings, classified, deadLetters, models].map((name) => topic(service, name, Operation.DESCRIBE))),
    topic('ingest', readings, Operation.WRITE),
    topic('trainer', readings, Operation.READ),
    ...[models, deadLetters, scope.gradients].map((name) => topic('trainer', name, Operation.WRITE)),
    ...ownPrefix('trainer', consumerGroups.trainer('')),
    topic('scorer', readings, Operation.READ),
    ...[classified, deadLetters].map((name) => topic('scorer', name, Operation.WRITE)),
    ...ownPrefix('scorer', consumerGroups.scorer('')),
  ];
}

/** A deployment on a secured broker, as an admin: its topics (the services may not create them) and the service ACLs on them. */
export async function provisionDeployment(admin: Admin, topics: Parameters<typeof ensureTopics>[1], scope: AclScope): Promise<void> {
  await ensureTopics(admin, topics);
  await grantServiceAcls(admin, scope);
}

/** Creates the service ACLs of a scope (creating one that exists changes nothing). */
export async function grantServiceAcls(admin: Admin, scope: AclScope): Promise<void> {
  await admin.createAcls({ acl: serviceAcls(scope) });
}

function topic(service: Service, name: string, operation: AclOperationTypes): AclEntry {
  return allow(service, Resource.TOPIC, name, Pattern.LITERAL, operation);
}

/** Its consumer groups (READ: join, commit, fetch offsets) and transactional ids (WRITE), which share the prefix. */
function ownPrefix(service: Service, prefix: string): AclEntry[] {
  return [
    allow(service, Resource.GROUP, prefix, Pattern.PREFIXED, Operation.READ),
    allow(service, Resource.TRANSACTIONAL_ID, prefix, Pattern.PREFIXED, Operation.WRITE),
  ];
}

function allow(
  service: Service,
  resourceType: AclResourceTypes,
  resourceName: string,
  resourcePatternType: ResourcePatternTypes,
  operation: AclOperationTypes,
): AclEntry {
  return { principal: `User:${service}`, host: '*', resourceType, resourceName, resourcePatternType, operation, permissionType: Permission.ALLOW };
}
