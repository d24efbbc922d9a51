import { describe, expect, it } from 'vitest';
import { servicePort, workerPorts } from './ports.ts';

describe('ports of the services a command looks for', () => {
  it('takes the gradient workers from TRAINER_WORKER_PORTS, any number of them, else 9103-9105', () => {
    expect(workerPorts({})).toEqual([9103, 9104, 9105]);
    expect(workerPorts({ TRAINER_WORKER_PORTS: '' })).toEqual([9103, 9104, 9105]);
    expect(workerPorts({ TRAINER_WORKER_PORTS: '9200, 9201,9202,9203' })).toEqual([9200, 9201, 9202, 9203]);
    expect(workerPorts({ TRAINER_WORKER_PORTS: '9200' })).toEqual([9200]);
    expect(() => workerPorts({ TRAINER_WORKER_PORTS: '9200,x' })).toThrow('TRAINER_WORKER_PORTS must list one or more ports, comma-separated (got "9200,x")');
  });

  it('takes a service port from its variable, else the default, and refuses what is not a port', () => {
    expect(servicePort('TRAINER_PORT', 9101, {})).toBe(9101);
    expect(servicePort('TRAINER_PORT', 9101, { TRAINER_PORT: '9201' })).toBe(9201);
    expect(() => servicePort('SCORER_PORT', 9102, { SCORER_PORT: '70000' })).toThrow('SCORER_PORT must be a port (got "70000")');
  });
});
