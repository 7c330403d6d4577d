import { z } from "zod";
import type { DeliverPayload, OrchestratePayload, PublishPayload, RelayPayload } from "./task-types";

/** Task payloads are validated like any other boundary: a malformed task is dropped, not retried. */
export const orchestratePayload = z.object({
  postSubmissionId: z.string().min(1).max(100),
}) satisfies z.ZodType<OrchestratePayload>;

export const publishPayload = z.object({
  postSubmissionId: z.string().min(1).max(100),
  runId: z.string().min(1).max(300),
  check: z.boolean().optional(),
}) satisfies z.ZodType<PublishPayload>;

export const relayPayload = z.object({
  userId: z.string().min(1).max(128),
  eventId: z.string().regex(/^evt_[0-9a-f]{32}$/),
}) satisfies z.ZodType<RelayPayload>;

export const deliverPayload = z.object({
  userId: z.string().min(1).max(128),
  eventId: z.string().regex(/^evt_[0-9a-f]{32}$/),
  endpointId: z.string().regex(/^we_[0-9a-f]{24}$/),
}) satisfies z.ZodType<DeliverPayload>;
