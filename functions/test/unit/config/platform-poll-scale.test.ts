import { platformPollScale } from "../../../src/config/platform-settings";

/**
 * PLATFORM_POLL_SCALE lets the local stack poll its fakes sooner; on a real project it must never
 * change how often Postcast polls the platforms, whatever the deployment's configuration says.
 */
describe("PLATFORM_POLL_SCALE", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ["GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT", "PLATFORM_POLL_SCALE"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const scaleOn = (project: string, value: string | undefined) => {
    process.env.GCLOUD_PROJECT = project;
    delete process.env.GOOGLE_CLOUD_PROJECT;
    if (value === undefined) delete process.env.PLATFORM_POLL_SCALE;
    else process.env.PLATFORM_POLL_SCALE = value;
    return platformPollScale();
  };

  it("is ignored on a real project: production polls at each platform's advised interval", () => {
    expect(scaleOn("postcast-prod", "0.02")).toBe(1);
    expect(scaleOn("acme-social", "0.5")).toBe(1);
    expect(scaleOn("my-demo-project", "0.02")).toBe(1); // only the emulators' demo- prefix counts
  });

  it("applies on a demo- project, where the emulators run", () => {
    expect(scaleOn("demo-postcast", "0.02")).toBe(0.02);
    expect(scaleOn("demo-postcast", "1")).toBe(1);
    expect(scaleOn("demo-postcast", undefined)).toBe(1);
  });

  it("never makes polling slower or stops it: anything outside (0, 1] is 1", () => {
    expect(["0", "-1", "2", "abc", "", "Infinity"].map((v) => scaleOn("demo-postcast", v))).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
