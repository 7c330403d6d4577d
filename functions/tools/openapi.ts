import { writeFileSync } from "node:fs";
import path from "node:path";
import { openApiDocument } from "../src/http/openapi/document";

/** `npm run openapi`: writes the repository's openapi.json from the zod schemas (a unit test fails when it is stale). */
export const OPENAPI_FILE = path.join(__dirname, "..", "..", "openapi.json");
export const serialized = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, serialized());
  console.log(`wrote ${OPENAPI_FILE}`);
}
