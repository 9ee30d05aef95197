import * as v from 'valibot';

/** What the load client is asked to send (written to a JSON file by the suite). */
export const LoadPlanSchema = v.object({
  url: v.string(),
  concurrency: v.number(),
  requests: v.array(
    v.object({
      path: v.string(),
      query: v.string(),
      headers: v.record(v.string(), v.string()),
      bodyBase64: v.string(),
    }),
  ),
});
export type LoadPlan = v.InferOutput<typeof LoadPlanSchema>;

/** What it measured, per request in plan order, and the wall-clock window of the run. */
export const LoadResultSchema = v.object({
  startedAt: v.number(),
  finishedAt: v.number(),
  responses: v.array(
    v.object({
      status: v.number(),
      contentType: v.string(),
      retryAfter: v.string(),
      body: v.string(),
      ms: v.number(),
    }),
  ),
});
export type LoadResult = v.InferOutput<typeof LoadResultSchema>;
