import type { ConnectedAccount } from "../../../src/domain/post-model";
import { AppError } from "../../../src/domain/errors";
import type { Platform } from "../../../src/domain/platforms";
import { resolveTargets } from "../../../src/domain/targets";

const accounts = new Map<Platform, ConnectedAccount[]>([
  [
    "x",
    [
      { accountId: "x_primary", status: "active" },
      { accountId: "x_brand", status: "active" },
    ],
  ],
  ["threads", [{ accountId: "th_1", status: "active" }]],
  ["instagram", [{ accountId: "ig_1", status: "needs_reauth" }]],
  ["linkedin", [{ accountId: "li_old", status: "disconnected" }]],
]);

function error(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("resolveTargets", () => {
  it("resolves a string target to the only account and names runs by platform", () => {
    expect(resolveTargets([{ platform: "threads", accountId: null }], accounts)).toEqual([
      { platform: "threads", accountId: "th_1", runId: "threads" },
    ]);
  });

  it("names runs platform:accountId when one platform has several targets", () => {
    const targets = resolveTargets(
      [
        { platform: "x", accountId: "x_primary" },
        { platform: "x", accountId: "x_brand" },
        { platform: "threads", accountId: null },
      ],
      accounts,
    );
    expect(targets.map((t) => t.runId)).toEqual(["x:x_primary", "x:x_brand", "threads"]);
  });

  it("never guesses between several accounts", () => {
    const e = error(() => resolveTargets([{ platform: "x", accountId: null }], accounts));
    expect(e.code).toBe("missing_account");
    expect(e.details).toEqual({ platform: "x", accountId: null, availableAccountIds: ["x_brand", "x_primary"] });
  });

  it("lists every platform without an account in one missing_integrations error", () => {
    const e = error(() =>
      resolveTargets(
        [
          { platform: "tiktok", accountId: null },
          { platform: "threads", accountId: null },
          { platform: "linkedin", accountId: null },
        ],
        accounts,
      ),
    );
    expect(e.code).toBe("missing_integrations");
    expect(e.details).toEqual({ missingPlatforms: ["tiktok", "linkedin"] });
  });

  it("refuses an account that is not connected or must be reconnected", () => {
    expect(error(() => resolveTargets([{ platform: "x", accountId: "nope" }], accounts)).details).toMatchObject({
      platform: "x",
      accountId: "nope",
    });
    expect(error(() => resolveTargets([{ platform: "instagram", accountId: null }], accounts)).details).toMatchObject({
      reason: "needs_reauth",
    });
  });

  it("refuses the same account reached twice (by string and by id)", () => {
    const e = error(() =>
      resolveTargets(
        [
          { platform: "threads", accountId: null },
          { platform: "threads", accountId: "th_1" },
        ],
        accounts,
      ),
    );
    expect(e.code).toBe("validation_error");
    expect(e.details).toMatchObject({ field: "post.content.platform[1]", reason: "duplicate" });
  });
});
