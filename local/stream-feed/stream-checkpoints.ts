import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as v from 'valibot';

/**
 * Where the stream feed has got to: per shard, the sequence number of the last record it is done
 * with (published, or given up on), and whether the shard is finished. Lambda's event source
 * mapping keeps the same position for each shard; locally it lives in the data directory, so a
 * restarted (or killed) stack resumes after the last record it was done with and never skips one.
 */
const CheckpointsSchema = v.object({
  streamArn: v.string(),
  shards: v.record(
    v.string(),
    v.object({ sequenceNumber: v.optional(v.string()), finished: v.optional(v.boolean()) }),
  ),
});
export type Checkpoints = v.InferOutput<typeof CheckpointsSchema>;

export interface CheckpointStore {
  /** The checkpoints of this stream, or none (a new stream starts at its oldest record). */
  load(streamArn: string): Checkpoints;
  save(checkpoints: Checkpoints): void;
}

/** In a file, written whole and renamed, so a crash leaves the old or the new one. */
export class FileCheckpointStore implements CheckpointStore {
  constructor(private readonly path: string) {}

  load(streamArn: string): Checkpoints {
    try {
      const parsed = v.safeParse(
        CheckpointsSchema,
        JSON.parse(readFileSync(this.path, 'utf8')) as unknown,
      );
      if (parsed.success && parsed.output.streamArn === streamArn) return parsed.output;
    } catch {
      // No checkpoint yet.
    }
    return { streamArn, shards: {} };
  }

  save(checkpoints: Checkpoints): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(`${this.path}.tmp`, JSON.stringify(checkpoints));
    renameSync(`${this.path}.tmp`, this.path);
  }
}

/** With `--in-memory`: the table is gone after a stop anyway. */
export class MemoryCheckpointStore implements CheckpointStore {
  #saved: Checkpoints | undefined;

  load(streamArn: string): Checkpoints {
    return this.#saved?.streamArn === streamArn ? this.#saved : { streamArn, shards: {} };
  }

  save(checkpoints: Checkpoints): void {
    this.#saved = structuredClone(checkpoints);
  }
}
