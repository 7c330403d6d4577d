import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

/**
 * `tsx tools/validate-openapi.ts <file>`: validates an OpenAPI document with
 * @seriousme/openapi-schema-validator and prints {valid, version, errors} as JSON. A separate
 * process because the validator is an ES module, which jest's CommonJS loader cannot import.
 */
async function main(file: string): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(
    JSON.parse(readFileSync(file, "utf8")) as Parameters<Validator["validate"]>[0],
  );
  process.stdout.write(
    JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }),
  );
}

void main(process.argv[2] ?? "../openapi.json");
