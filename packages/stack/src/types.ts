export type Reporter = (message: string) => void;

export interface StackConfig {
  home: string;
  kafkaBrokers: string[];
  /** True when every bootstrap server is on loopback, so the stack may start a broker there. */
  kafkaIsLocal: boolean;
  kafkaControllerPort: number;
  /** Where the broker's jars are (shared by every broker of the same home by default). */
  kafkaLibDir?: string;
  kafkaHeap: string;
  redisUrl: string;
  prometheusPort: number;
}

export interface ComponentStatus {
  name: string;
  /** running: started by this stack; external: something else answers; starting: process up, not answering. */
  state: 'running' | 'external' | 'starting' | 'stopped' | 'not installed';
  address: string;
  pid?: number | undefined;
  detail: string;
}
