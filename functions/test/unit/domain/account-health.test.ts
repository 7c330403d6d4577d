import { healthOf, renewalOf, tokenSchedule } from "../../../src/domain/account-health";
import type { Credentials } from "../../../src/domain/credentials";

const DAY = 24 * 3600_000;
const issued = new Date("2026-11-01T00:00:00Z");
const creds = (over: Partial<Credentials>): Credentials => ({
  accessToken: "a",
  refreshToken: null,
  expiresAt: null,
  refreshTokenExpiresAt: null,
  issuedAt: issued.toISOString(),
  scope: null,
  extra: {},
  ...over,
});
const at = (ms: number) => new Date(issued.getTime() + ms);

describe("token schedule", () => {
  it("Meta long-lived tokens renew once a day old and within 30 days of their end", () => {
    const s = tokenSchedule("threads", creds({ expiresAt: at(60 * DAY).toISOString() }));
    expect(s).toEqual({ renewAt: at(30 * DAY), reconnectBy: at(60 * DAY) });
    const young = tokenSchedule("instagram", creds({ expiresAt: at(10 * DAY).toISOString() }));
    expect(young.renewAt).toEqual(at(DAY));
  });
  it("refresh-token platforms renew daily and end with their refresh token", () => {
    const s = tokenSchedule(
      "tiktok",
      creds({
        refreshToken: "r",
        expiresAt: at(2 * 3600_000).toISOString(),
        refreshTokenExpiresAt: at(180 * DAY).toISOString(),
      }),
    );
    expect(s).toEqual({ renewAt: at(DAY), reconnectBy: at(180 * DAY) });
    expect(tokenSchedule("youtube", creds({ refreshToken: "r" })).reconnectBy).toBeNull();
  });
  it("nothing renews a LinkedIn token without refresh or a Facebook Page token", () => {
    expect(tokenSchedule("linkedin", creds({ expiresAt: at(60 * DAY).toISOString() }))).toEqual({
      renewAt: null,
      reconnectBy: at(60 * DAY),
    });
    expect(renewalOf("facebook", creds({ refreshToken: "r" }))).toBe("none");
    expect(tokenSchedule("facebook", creds({}))).toEqual({ renewAt: null, reconnectBy: null });
  });
});

describe("health", () => {
  const now = new Date("2026-11-23T00:00:00Z");
  it("is expiring within 7 days of the end, and follows the status otherwise", () => {
    expect(healthOf("active", null, now)).toBe("active");
    expect(healthOf("active", new Date(now.getTime() + 8 * DAY), now)).toBe("active");
    expect(healthOf("active", new Date(now.getTime() + 6 * DAY), now)).toBe("expiring");
    expect(healthOf("needs_reauth", null, now)).toBe("needs_reauth");
    expect(healthOf("disconnected", new Date(now.getTime() + DAY), now)).toBe("disconnected");
  });
});
