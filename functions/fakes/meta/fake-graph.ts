import type { Request, Response } from "express";
import { FakePlatform } from "../kit/fake-platform";

/** Meta's Graph error envelope with an fbtrace_id. */
export function graphErrorBody(message: string, code: number, subcode?: number, type = "OAuthException") {
  return {
    error: {
      message,
      type,
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}`,
    },
  };
}

/** What Threads, Instagram and Facebook share: the Graph envelope, token transport and errors. */
export abstract class FakeGraph extends FakePlatform {
  protected notFound(req: Request, res: Response) {
    res
      .status(400)
      .json(
        graphErrorBody(
          `Unsupported ${req.method.toLowerCase()} request. Object with ID '${req.path.split("/").pop() ?? ""}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          100,
          33,
          "GraphMethodException",
        ),
      );
  }

  protected unauthorized(res: Response, reason: string) {
    const subcode = reason === "expired token" ? 463 : 460;
    res.status(400).json(graphErrorBody(`Error validating access token: ${reason}.`, 190, subcode));
  }

  protected transientFailure() {
    return {
      status: 500,
      body: graphErrorBody(
        "An unexpected error has occurred. Please retry your request later.",
        2,
        undefined,
        "OAuthException",
      ),
    };
  }

  protected rateLimitFailure() {
    return { status: 400, body: graphErrorBody("Application request limit reached", 4) };
  }

  protected override tokenFromParams(req: Request): string | null {
    const fromQuery = req.query.access_token;
    const fromBody = (req.body as Record<string, unknown> | undefined)?.access_token;
    return typeof fromQuery === "string" ? fromQuery : typeof fromBody === "string" ? fromBody : null;
  }

  protected invalid(res: Response, message: string, code = 100, subcode?: number) {
    res.status(400).json(graphErrorBody(message, code, subcode, "OAuthException"));
  }

  protected params(req: Request): Record<string, string> {
    return { ...(req.query as Record<string, string>), ...(req.body as Record<string, string>) };
  }
}
