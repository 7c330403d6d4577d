/** Outcomes a sk_test_ request may ask the sandbox for (docs/contract.md §6). */
export const SANDBOX_OUTCOMES = ["succeed", "fail", "transient", "rate_limited", "auth_expired", "unknown"] as const;

export type SandboxOutcome = (typeof SANDBOX_OUTCOMES)[number];
