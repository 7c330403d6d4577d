import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const CLIENT = path.join(__dirname, "..", "..", "..", "..", "clients", "typescript");

describe("the TypeScript client's generated types", () => {
  it("are current: `npm --prefix clients/typescript run generate` writes what is committed", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "client-schema-"));
    try {
      const fresh = path.join(dir, "schema.ts");
      // The generate script's own command, into a temporary file.
      execFileSync(
        process.execPath,
        [
          path.join(CLIENT, "node_modules", "openapi-typescript", "bin", "cli.js"),
          "../../openapi.json",
          "--output",
          fresh,
        ],
        { cwd: CLIENT, stdio: "pipe" },
      );
      const committed = readFileSync(path.join(CLIENT, "src", "schema.ts"), "utf8");
      // Not toEqual on 100 KB strings: a one-line failure message saying what to run.
      if (readFileSync(fresh, "utf8") !== committed) {
        throw new Error(
          "clients/typescript/src/schema.ts is stale: run `npm --prefix clients/typescript run generate`.",
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the generate script is the command this test runs", () => {
    const pkg = JSON.parse(readFileSync(path.join(CLIENT, "package.json"), "utf8"));
    expect(pkg.scripts.generate).toBe("openapi-typescript ../../openapi.json --output src/schema.ts");
  });
});
