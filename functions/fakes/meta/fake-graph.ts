import type { Request, Response } from "express";
import { FakePlatform } from "../kit/fake-platform";
import { stringParams, type CodeRejection } from "../kit/oauth";

/** A token from the code exchange: short-lived (an hour). */
export const SHORT_LIVED_SECONDS = 3600;
/** A long-lived token from `*_exchange_token`: about 60 days, as Meta words it in `expires_in`. */
export const LONG_LIVED_SECONDS = 5183944;

/** Where the consent dialog sends a user who declines. */
export const META_DENIAL = {
  error: "access_denied",
  error_reason: "user_denied",
  error_description: "Permissions error",
};

/** How Meta words each way an authorization code fails (code 100, with its subcode). */
const CODE_ERRORS: Record<CodeRejection, [string, number | undefined]> = {
  unknown: ["Invalid verification code format.", undefined],
  client: ["Invalid verification code format.", undefined],
  used: ["This authorization code has been used.", 36009],
  expired: ["This authorization code has expired.", 36007],
  redirect_uri: [
    "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
    36008,
  ],
  verifier: ["Invalid code verifier.", undefined],
};

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

/**
 * What Threads, Instagram and Facebook share: the Graph envelope, token transport and errors, and
 * the OAuth errors of their token endpoints.
 */
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

  /** The parameters of a form that may come as multipart (Instagram's token endpoint documents it). */
  protected async formParams(req: Request): Promise<Record<string, string>> {
    if (!req.is("multipart/form-data")) return this.params(req);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = await new globalThis.Response(Buffer.concat(chunks), {
      headers: { "content-type": req.get("content-type") ?? "" },
    }).formData();
    return { ...stringParams(req.query), ...stringParams(Object.fromEntries(form)) };
  }

  /** A wrong app id or secret on a token endpoint. */
  protected invalidClient(res: Response, params: Record<string, string | undefined>) {
    if (params.client_id !== undefined && params.client_id !== this.clientId)
      return this.invalid(res, "Error validating application. Invalid application ID.", 101);
    this.invalid(res, "Error validating client secret.", 1);
  }

  protected codeRejected(res: Response, reason: CodeRejection) {
    const [message, subcode] = CODE_ERRORS[reason];
    this.invalid(res, message, 100, subcode);
  }
}
