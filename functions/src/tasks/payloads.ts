import { z } from "zod";
import type { OrchestratePayload, PublishPayload } from "./task-types";

/** Task payloads are validated like any other boundary: a malformed task is dropped, not retried. */
export const orchestratePayload = z.object({
  postSubmissionId: z.string().min(1).max(100),
}) satisfies z.ZodType<OrchestratePayload>;

export const publishPayload = z.object({
  postSubmissionId: z.string().min(1).max(100),
  runId: z.string().min(1).max(300),
  check: z.boolean().optional(),
}) satisfies z.ZodType<PublishPayload>;
