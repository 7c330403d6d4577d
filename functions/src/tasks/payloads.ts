import { z } from "zod";

/** Task payloads are validated like any other boundary: a malformed task is dropped, not retried. */
export const orchestratePayload = z.object({ postSubmissionId: z.string().min(1).max(100) });
export type OrchestratePayload = z.infer<typeof orchestratePayload>;

export const publishPayload = z.object({
  postSubmissionId: z.string().min(1).max(100),
  runId: z.string().min(1).max(300),
  /** A check on a post the platform is still processing (does not count as an attempt). */
  check: z.boolean().optional(),
});
export type PublishPayload = z.infer<typeof publishPayload>;
