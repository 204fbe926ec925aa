// The node agent's own state, in a small LMDB of its own (the kubelet keeps
// its checkpoints on disk likewise): for each pod it runs, the pod IP it gave
// it and how many times each container was started. After an agent restart
// this is what keeps pod IPs stable and makes a container that was running
// count as restarted once — never started twice, never forgotten.

import { open, type Database, type RootDatabase } from 'lmdb';

/** What the agent remembers of one pod, by uid. */
export interface PodRecord {
  readonly namespace: string;
  readonly name: string;
  readonly podIP: string;
  /** Starts so far per container name (init containers included). Written before each start. */
  readonly starts: Readonly<Record<string, number>>;
}

/** The agent's persistent memory of its pods. Writes are durable when their promise resolves. */
export class AgentState {
  readonly #root: RootDatabase;
  readonly #pods: Database<PodRecord, string>;

  private constructor(root: RootDatabase) {
    this.#root = root;
    this.#pods = root.openDB<PodRecord, string>({ name: 'pods' });
  }

  /** Opens (creating) the state under `dir`. */
  static open(dir: string): AgentState {
    return new AgentState(open({ path: dir, maxDbs: 4, overlappingSync: false }));
  }

  get(uid: string): PodRecord | undefined {
    return this.#pods.get(uid);
  }

  /** Every remembered pod, by uid. */
  all(): Map<string, PodRecord> {
    const pods = new Map<string, PodRecord>();
    for (const { key, value } of this.#pods.getRange()) pods.set(key, value);
    return pods;
  }

  async put(uid: string, record: PodRecord): Promise<void> {
    await this.#pods.put(uid, record);
  }

  async delete(uid: string): Promise<void> {
    await this.#pods.remove(uid);
  }

  async close(): Promise<void> {
    await this.#root.close();
  }
}
