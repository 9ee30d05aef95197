import * as v from 'valibot';

const QueueSchema = v.object({ name: v.string(), url: v.string(), arn: v.string() });

/**
 * What a pipeline process is told by the suite that starts it (as JSON in
 * `PIPELINE_PROCESS_CONFIG`): which part of the pipeline to run, and where everything is.
 */
export const PipelineConfigSchema = v.object({
  role: v.picklist(['gateway', 'worker', 'publisher']),
  /** The gateway's port (gateway role). */
  port: v.optional(v.number()),
  /** Where the handlers reach SQS and DynamoDB: the servers, or a fault proxy in front. */
  sqsEndpoint: v.string(),
  dynamoDbEndpoint: v.string(),
  queues: v.object({ main: QueueSchema, dlq: QueueSchema, quarantine: QueueSchema }),
  tables: v.object({ records: v.string(), ledger: v.string() }),
  visibilityTimeoutSeconds: v.number(),
  pollers: v.number(),
  /** The publisher's: where changes.jsonl and the stream checkpoints live. */
  dataDir: v.optional(v.string()),
  /** The publisher's: the records table's stream. */
  recordsStreamArn: v.optional(v.string()),
  /** The publisher's: `--forward-changes`. */
  forwardUrl: v.optional(v.string()),
});
export type PipelineConfig = v.InferOutput<typeof PipelineConfigSchema>;

/** The environment variable that carries the config. */
export const PIPELINE_CONFIG_VARIABLE = 'PIPELINE_PROCESS_CONFIG';

/** The line a pipeline process prints once it serves (gateway) or polls (worker). */
export const PIPELINE_READY_LINE = 'pipeline process ready';
