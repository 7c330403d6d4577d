/** gRPC status codes that Firestore errors carry in `code`. */
export const GRPC = { ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, ABORTED: 10, NOT_FOUND: 5 } as const;

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
