import kafkajs, { type AclEntry, type AclOperationTypes, type AclResourceTypes, type Admin, type ResourcePatternTypes } from 'kafkajs';
import { consumerGroups, contractTopics, gradientTopic, type Topics } from '@sonar/contracts';
import { ensureTopics } from '@sonar/kafka';
import type { Principal } from './credentials.ts';

// kafkajs' enums are not named exports of its CommonJS module under Node's ESM loader.
const { AclOperationTypes: Operation, AclPermissionTypes: Permission, AclResourceTypes: Resource, ResourcePatternTypes: Pattern } = kafkajs;

type Service = Exclude<Principal, 'admin' | 'broker'>;

/**
 * What each service principal may do. Topics are LITERAL: a PREFIXED grant on
 * "sonar.readings" would also cover "sonar.readings.dlq". Consumer groups and transactional
 * ids are PREFIXED: a service's are named "sonar-<service>-<model>...", for any model.
 * READ and WRITE imply DESCRIBE; a topic WRITE implies IDEMPOTENT_WRITE (Kafka 2.8+).
 */
export function serviceAcls(topics: Topics): AclEntry[] {
  const { readings, classified, deadLetters, models, gradients } = topics;
  const every: Service[] = ['ingest', 'trainer', 'scorer'];
  return [
    // Each service checks at start that the deployment's topics exist (ensureTopics).
    ...every.flatMap((service) => [readings, classified, deadLetters, models].map((name) => topic(service, name, Operation.DESCRIBE))),
    topic('ingest', readings, Operation.WRITE),
    topic('trainer', readings, Operation.READ),
    ...[models, deadLetters, gradients].map((name) => topic('trainer', name, Operation.WRITE)),
    // Parallel training: the applier reads what the workers write; workers and applier have groups (and workers transactional ids) of their own.
    topic('trainer', gradients, Operation.READ),
    ...ownPrefix('trainer', consumerGroups.trainer('')),
    ...ownPrefix('trainer', consumerGroups.worker('')),
    ...ownPrefix('trainer', consumerGroups.applier('')),
    topic('scorer', readings, Operation.READ),
    ...[classified, deadLetters].map((name) => topic('scorer', name, Operation.WRITE)),
    ...ownPrefix('scorer', consumerGroups.scorer('')),
  ];
}

/**
 * A deployment on a secured broker, as an admin: its topics, the gradients topic of
 * parallel training among them (the services may not create topics), and the service ACLs on them.
 */
export async function provisionDeployment(admin: Admin, topics: Topics, partitions: number, replication: number): Promise<void> {
  await ensureTopics(admin, [...contractTopics(topics, partitions, replication), gradientTopic(topics, partitions, replication)]);
  await grantServiceAcls(admin, topics);
}

/** Creates the service ACLs of a deployment's topics (creating one that exists changes nothing). */
export async function grantServiceAcls(admin: Admin, topics: Topics): Promise<void> {
  await admin.createAcls({ acl: serviceAcls(topics) });
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
