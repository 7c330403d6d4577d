import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * `npm run deploy:check` against the built functions (npm test builds them first): it passes on the
 * repository as committed, and a project's dotenv overlay that a deploy would take fails it.
 */
const FUNCTIONS_DIR = path.join(__dirname, "..", "..");

function check(project?: string): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "tools/deploy-check.ts", ...(project ? ["--project", project] : [])],
      { cwd: FUNCTIONS_DIR, encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe("npm run deploy:check", () => {
  it("passes as committed: 15 functions, every param valued, every secret documented, every queue served", async () => {
    const res = await check();
    expect(res.output).toMatch(/15 functions, \d+ params \(9 secrets\), 11 task queues/);
    expect(res.output).toContain("✓ every param has a value");
    expect(res.status).toBe(0);
  }, 90_000);

  it("fails on a project's value that does not fit its param's type", async () => {
    const project = `deploy-check-test-${process.pid}`;
    const overlay = path.join(FUNCTIONS_DIR, `.env.${project}`);
    writeFileSync(overlay, "MEDIA_MAX_PIXELS=lots\nTRUSTED_PROXY_HOPS=1.5\n");
    try {
      const res = await check(project);
      expect(res.status).toBe(1);
      expect(res.output).toContain(`deploy:check (${project})`);
      expect(res.output).toMatch(/params whose value does not fit their type: .*MEDIA_MAX_PIXELS=lots \(int\)/);
      expect(res.output).toMatch(/TRUSTED_PROXY_HOPS=1\.5 \(int\)/);
    } finally {
      rmSync(overlay, { force: true });
    }
  }, 90_000);
});
